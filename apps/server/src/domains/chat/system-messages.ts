import { chatMessages } from "@cs/db";
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import type { OutboxTopics } from "../../platform/outbox.ts";
import { byId, findMessage, lockRoom, nextSeq } from "./repo.ts";
import { pushMessage } from "./send-message.ts";

/**
 * The `chat.system` handler: posts a pinned message for a group event (tier reached, funded,
 * delivered, ready for pickup) once per group, kind and key, and pushes it live. The words are
 * not stored: each reader's app renders the kind and params in their language. A redelivered
 * event finds its message already there and stores nothing (and takes no number).
 */
export async function postSystemMessage(
  ctx: AppContext,
  event: OutboxTopics["chat.system"],
): Promise<void> {
  const row = await ctx.db.transaction(async (tx) => {
    await lockRoom(tx, event.groupId);
    const [existing] = await tx
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(
        and(
          eq(chatMessages.groupId, event.groupId),
          eq(chatMessages.kind, "system"),
          eq(chatMessages.systemKind, event.kind),
          eq(chatMessages.systemKey, event.key),
        ),
      );
    if (existing) {
      return null;
    }
    const id = newId();
    await tx.insert(chatMessages).values({
      id,
      groupId: event.groupId,
      seq: await nextSeq(tx, event.groupId),
      kind: "system",
      systemKind: event.kind,
      systemKey: event.key,
      params: event.params,
      pinned: true,
    });
    return findMessage(tx, byId(event.groupId, id));
  });
  if (row) {
    pushMessage(ctx, row);
  }
}
