import type { TChatMessage } from "@cs/contracts";
import { chatMessages, chatReports } from "@cs/db";
import { and, isNull, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import type { ChatAccess } from "./policy.ts";
import { presentMessage } from "./presenter.ts";
import { byId, findMessage } from "./repo.ts";
import { pushMessage } from "./send-message.ts";

/** A member reports a message to the moderators (once per member; reporting again is a no-op). */
export async function reportMessage(
  ctx: AppContext,
  access: ChatAccess,
  messageId: string,
  reason: string | undefined,
): Promise<void> {
  const message = await findMessage(ctx.db, byId(access.group.id, messageId));
  if (!message || message.kind === "system") {
    throw new AppError("not_found", "No such message");
  }
  await ctx.db
    .insert(chatReports)
    .values({ messageId, reporterId: access.viewer.id, reason: reason ?? null })
    .onConflictDoNothing();
}

/**
 * A moderator hides a message: it keeps its place in the room and shows as "hidden by a
 * moderator" to everyone else, live. Hiding twice changes nothing.
 */
export async function hideMessage(
  ctx: AppContext,
  access: ChatAccess,
  messageId: string,
  requestId: string,
): Promise<TChatMessage> {
  if (!access.viewer.moderator) {
    throw new AppError("forbidden");
  }
  const row = await ctx.db.transaction(async (tx) => {
    const [hidden] = await tx
      .update(chatMessages)
      .set({ hiddenAt: sql`now()`, hiddenBy: access.viewer.id })
      .where(and(byId(access.group.id, messageId), isNull(chatMessages.hiddenAt)))
      .returning({ id: chatMessages.id });
    if (hidden) {
      await audit(tx, {
        actorId: access.viewer.id,
        action: "chat.message_hidden",
        subjectType: "chat_message",
        subjectId: messageId,
        requestId,
      });
    }
    return findMessage(tx, byId(access.group.id, messageId));
  });
  if (!row) {
    throw new AppError("not_found", "No such message");
  }
  pushMessage(ctx, row, "chat:update");
  return presentMessage(row, access.viewer);
}
