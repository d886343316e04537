import type { TChatMessage, TChatSystemKind } from "@cs/contracts";
import type { chatMessages } from "@cs/db";
import type { ChatViewer } from "./policy.ts";

export type MessageRow = typeof chatMessages.$inferSelect & {
  senderName: string | null;
  senderRole: string | null;
  reports: number;
};

/** Where a member fetches a chat image (the route checks membership). */
export const chatImageUrl = (groupId: string, mediaId: string) =>
  `/api/v1/groups/${groupId}/chat/images/${mediaId}`;

/**
 * The public shape of a message. A hidden message keeps its place and says so, without its text
 * or image, except to moderators (who also see how many reported it). `viewer` null is what
 * every member may see: the live push to the room.
 */
export function presentMessage(row: MessageRow, viewer: ChatViewer | null): TChatMessage {
  const hidden = row.hiddenAt !== null;
  const moderator = viewer?.moderator === true;
  const showContent = !hidden || moderator;
  return {
    id: row.id,
    groupId: row.groupId,
    seq: row.seq,
    kind: row.kind,
    sender:
      row.senderId && row.senderName
        ? {
            id: row.senderId,
            name: row.senderName,
            role:
              row.senderRole === "admin" || row.senderRole === "supplier"
                ? row.senderRole
                : "trader",
          }
        : null,
    clientId: row.clientId,
    body: showContent ? row.body : null,
    imageUrl: showContent && row.mediaId ? chatImageUrl(row.groupId, row.mediaId) : null,
    system:
      row.kind === "system" && row.systemKind
        ? { kind: row.systemKind as TChatSystemKind, params: row.params ?? {} }
        : null,
    pinned: row.pinned,
    hidden,
    ...(moderator ? { reports: row.reports } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}
