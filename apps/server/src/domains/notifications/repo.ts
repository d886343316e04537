import { type DbOrTx, notificationDeliveries, notifications, queryRows } from "@cs/db";
import { and, count, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { presentDeadLetter, presentNotification } from "./presenter.ts";

export async function unreadCount(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** A user's notifications, newest first, paged by an opaque cursor (`createdAt|id`). */
export async function listNotifications(
  db: DbOrTx,
  userId: string,
  options: { cursor?: string; limit: number },
) {
  const [at, id] = options.cursor ? options.cursor.split("|") : [];
  const after =
    at && id
      ? or(
          lt(notifications.createdAt, new Date(at)),
          and(eq(notifications.createdAt, new Date(at)), lt(notifications.id, id)),
        )
      : undefined;
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), after))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentNotification),
    unread: await unreadCount(db, userId),
    nextCursor:
      rows.length > options.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}

/** Marks the user's notifications read (those named, or all); returns what is left unread. */
export async function markRead(db: DbOrTx, userId: string, ids?: string[]): Promise<number> {
  await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        ids ? inArray(notifications.id, ids) : undefined,
      ),
    );
  return unreadCount(db, userId);
}

export async function listDeadLetters(db: DbOrTx, limit = 200) {
  const rows = await db
    .select()
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.status, "dead"))
    .orderBy(desc(notificationDeliveries.updatedAt))
    .limit(limit);
  return { items: rows.map(presentDeadLetter) };
}

/** An admin sends a dead-lettered message again: queued once more, with a fresh outbox event. */
export async function retryDeadLetter(ctx: AppContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const revived = await queryRows<{ id: string }>(
      tx,
      sql`update notification_deliveries set status = 'queued', attempts = 0, updated_at = now()
          where id = ${id} and status = 'dead' returning id`,
    );
    if (revived.length === 0) {
      const [exists] = await tx
        .select({ id: notificationDeliveries.id })
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.id, id));
      throw exists ? new AppError("delivery_not_dead") : new AppError("not_found");
    }
    await enqueue(tx, "notify.deliver", { deliveryId: id });
  });
}
