import type { TChatTyping } from "@cs/contracts";
import type { Socket } from "socket.io";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { chatPage } from "./history.ts";
import { chatAccess } from "./policy.ts";
import { chatRoom } from "./rooms.ts";

/** One typing signal per socket and room per this many ms; the rest are dropped. */
export const TYPING_THROTTLE_MS = 2_000;

const ZJoin = z.object({
  groupId: z.uuid(),
  /** The last seq the device has: the answer carries everything after it. */
  after: z.number().int().min(0).optional(),
});

type Ack = (answer: unknown) => void;

/**
 * The chat's socket events. `chat:join` checks membership exactly as HTTP does before the socket
 * enters the room, and answers with what was missed since `after` (the room is joined first, so
 * a message committed meanwhile is in the answer or pushed, never lost; the device drops a
 * repeat by its seq). `chat:typing` reaches the others in the room, throttled, never stored.
 */
export function chatSocketHandlers(ctx: AppContext): (socket: Socket) => void {
  return (socket) => {
    const names = new Map<string, string>();
    const lastTyping = new Map<string, number>();
    socket.on("chat:join", async (input: unknown, ack?: Ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const parsed = ZJoin.safeParse(input);
      if (!parsed.success) {
        reply({ error: "validation_failed" });
        return;
      }
      const userId: unknown = socket.data.userId;
      if (typeof userId !== "string") {
        reply({ error: "unauthenticated" });
        return;
      }
      try {
        const access = await chatAccess(ctx.db, userId, parsed.data.groupId);
        if (!access) {
          reply({ error: "not_found" });
          return;
        }
        await socket.join(chatRoom(access.group.id));
        names.set(access.group.id, access.viewer.name);
        const page = await chatPage(ctx.db, access, {
          after: parsed.data.after ?? Number.MAX_SAFE_INTEGER,
          limit: 100,
        });
        reply({
          ok: true,
          lastSeq: page.lastSeq,
          unread: page.unread,
          items: parsed.data.after === undefined ? [] : page.items,
          hasMore: parsed.data.after === undefined ? false : page.hasMore,
        });
      } catch {
        reply({ error: "internal_error" });
      }
    });
    socket.on("chat:leave", (groupId: unknown) => {
      if (typeof groupId === "string") {
        names.delete(groupId);
        void socket.leave(chatRoom(groupId));
      }
    });
    socket.on("chat:typing", (groupId: unknown) => {
      if (typeof groupId !== "string" || !socket.rooms.has(chatRoom(groupId))) {
        return;
      }
      const now = Date.now();
      if (now - (lastTyping.get(groupId) ?? 0) < TYPING_THROTTLE_MS) {
        return;
      }
      lastTyping.set(groupId, now);
      const typing: TChatTyping = {
        groupId,
        userId: socket.data.userId as string,
        name: names.get(groupId) ?? "",
      };
      socket.to(chatRoom(groupId)).emit("chat:typing", typing);
    });
  };
}
