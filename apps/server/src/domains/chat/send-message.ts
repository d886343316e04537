import { CHAT_MESSAGE_MAX, chatTextProblem, type TChatMessage } from "@cs/contracts";
import { chatMessages, type DbOrTx, isUniqueViolation } from "@cs/db";
import { sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { storeImage } from "../../platform/media.ts";
import type { ChatAccess } from "./policy.ts";
import { type MessageRow, presentMessage } from "./presenter.ts";
import { byClientId, byId, findMessage, markReadUpTo, nextSeq, sentWithin } from "./repo.ts";
import { chatRoom } from "./rooms.ts";

export const CHAT_BURST_SECONDS = 10;

/**
 * Refuses a send beyond the user's burst (per 10 s) or per-minute allowance. The user's sends
 * take turns here (a transaction-scoped advisory lock), so a flood of parallel requests cannot
 * all count the same past; counting stored messages makes the limit shared by every instance.
 */
async function checkRate(tx: DbOrTx, ctx: AppContext, senderId: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`chat-rate:${senderId}`}, 0))`,
  );
  const burst = await sentWithin(tx, senderId, CHAT_BURST_SECONDS);
  const minute = burst >= ctx.config.chatBurst ? 0 : await sentWithin(tx, senderId, 60);
  if (burst >= ctx.config.chatBurst || minute >= ctx.config.chatPerMinute) {
    const wait = burst >= ctx.config.chatBurst ? CHAT_BURST_SECONDS : 60;
    throw new AppError("chat_rate_limited", `Wait up to ${wait} s before sending more`, {
      headers: { "retry-after": String(wait) },
    });
  }
}

/** The message this sender already stored under this client id, if any. */
async function earlierSend(
  db: DbOrTx,
  access: ChatAccess,
  clientId: string,
): Promise<MessageRow | undefined> {
  const row = await findMessage(db, byClientId(access.viewer.id, clientId));
  if (row && row.groupId !== access.group.id) {
    throw new AppError("already_exists", "This message id was used in another group");
  }
  return row;
}

/** Pushes a committed message to everyone in the room (a hidden one shows as hidden). */
export function pushMessage(ctx: AppContext, row: MessageRow, event = "chat:message"): void {
  ctx.realtime?.toRoom(chatRoom(row.groupId), event, presentMessage(row, null));
}

/**
 * Stores a member's message in one transaction (rate limit, the room's next number, the message,
 * the sender's own read marker), then pushes it live. A retry with the same client id returns
 * the stored message and stores nothing.
 */
async function storeMessage(
  ctx: AppContext,
  access: ChatAccess,
  clientId: string,
  content: (tx: DbOrTx) => Promise<Partial<typeof chatMessages.$inferInsert>>,
): Promise<{ message: TChatMessage; created: boolean }> {
  const earlier = await earlierSend(ctx.db, access, clientId);
  if (earlier) {
    return { message: presentMessage(earlier, access.viewer), created: false };
  }
  const sender = access.viewer.id;
  let row: MessageRow | undefined;
  try {
    row = await ctx.db.transaction(async (tx) => {
      await checkRate(tx, ctx, sender);
      const id = newId();
      const values = await content(tx);
      const seq = await nextSeq(tx, access.group.id);
      await tx.insert(chatMessages).values({
        kind: "text",
        ...values,
        id,
        groupId: access.group.id,
        seq,
        senderId: sender,
        clientId,
      });
      await markReadUpTo(tx, access.group.id, sender, seq);
      return findMessage(tx, byId(access.group.id, id));
    });
  } catch (error) {
    if (isUniqueViolation(error, "chat_messages_client_key")) {
      // The same send arrived twice at once: the other one stored it.
      const stored = await earlierSend(ctx.db, access, clientId);
      if (stored) {
        return { message: presentMessage(stored, access.viewer), created: false };
      }
    }
    throw error;
  }
  if (!row) {
    throw new Error("chat message vanished after insert");
  }
  pushMessage(ctx, row);
  return { message: presentMessage(row, access.viewer), created: true };
}

/** Sends a text message: stored exactly as typed, once per client id. */
export function sendTextMessage(
  ctx: AppContext,
  access: ChatAccess,
  input: { clientId: string; body: string },
): Promise<{ message: TChatMessage; created: boolean }> {
  const problem = chatTextProblem(input.body);
  if (problem === "too_long") {
    throw fieldError("chat_message_too_long", "body", `At most ${CHAT_MESSAGE_MAX} characters`);
  }
  if (problem) {
    throw fieldError(
      "chat_message_invalid",
      "body",
      problem === "empty" ? "Write something" : "Control characters are not allowed",
    );
  }
  return storeMessage(ctx, access, input.clientId, async () => ({
    kind: "text",
    body: input.body,
  }));
}

/** Sends an image (checked by its bytes, kept in media storage, served to members only). */
export function sendImageMessage(
  ctx: AppContext,
  access: ChatAccess,
  input: { clientId: string; contentType: string | undefined; body: unknown },
): Promise<{ message: TChatMessage; created: boolean }> {
  return storeMessage(ctx, access, input.clientId, async (tx) => {
    const media = await storeImage(tx, {
      purpose: "chat_image",
      subjectId: access.group.id,
      uploadedBy: access.viewer.id,
      declaredType: input.contentType,
      data: input.body,
    });
    return { kind: "image", mediaId: media.id, body: null };
  });
}
