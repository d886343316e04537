import type { TDeadLetter, TNotification, TNotificationKind } from "@cs/contracts";
import type { notificationDeliveries, notifications } from "@cs/db";

/** A notification as its owner sees it (HTTP and the live push). */
export function presentNotification(row: typeof notifications.$inferSelect): TNotification {
  return {
    id: row.id,
    kind: row.kind as TNotificationKind,
    title: row.title,
    body: row.body,
    link: row.link,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A message that ran out of attempts, for admins (no message text: it may hold a code). */
export function presentDeadLetter(row: typeof notificationDeliveries.$inferSelect): TDeadLetter {
  return {
    id: row.id,
    kind: row.kind as TNotificationKind,
    channel: row.channel,
    recipient: row.recipient,
    userId: row.userId,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
