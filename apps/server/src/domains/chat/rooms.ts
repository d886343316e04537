/** A group's chat room on the sockets: only members join it (checked on every join). */
export const chatRoom = (groupId: string) => `chat:${groupId}`;
