import type { TChannel, TLanguage, TNotificationKind } from "@cs/contracts";
import { notificationDeliveries, notifications, users } from "@cs/db";
import { inArray } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { enqueueMixed } from "../../platform/outbox.ts";
import {
  CRITICAL_KINDS,
  channelsFor,
  effectivePreferences,
  loadPreferences,
  sendAfter,
} from "./preferences.ts";
import { presentNotification } from "./presenter.ts";
import { type Params, renderMessage } from "./templates.ts";

export interface Announcement {
  kind: TNotificationKind;
  /** Names the event: the same key announced again sends nothing new to anyone. */
  eventKey: string;
  /** Where the in-app notification leads. */
  link: string | null;
  recipients: { userId: string; params: Params }[];
}

function addressOf(
  channel: Exclude<TChannel, "in_app">,
  user: { phone: string; email: string | null },
): string | null {
  return channel === "email" ? user.email : user.phone;
}

/**
 * Rows in parts small enough for one statement's parameters (PostgreSQL takes at most 65,535; a
 * delivery row has 13): a group funded with thousands of traders is announced in several inserts.
 */
function chunks<T>(rows: readonly T[], size = 1_000): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    parts.push(rows.slice(i, i + size));
  }
  return parts;
}

/**
 * Fans one event out to its recipients, in one transaction: an in-app notification each (pushed
 * live after commit) and one delivery per outside channel they want, each with its own outbox
 * event (retried on its own, held back until the end of the recipient's quiet hours unless
 * critical). Unique keys per event+user(+channel) make a repeated announcement a no-op.
 * Returns how many messages were created.
 */
export async function announce(ctx: AppContext, announcement: Announcement): Promise<number> {
  return announceAll(ctx, [announcement]);
}

/**
 * `announce` for many events at once (a batch of the outbox): one transaction, one read of the
 * people and their preferences, one insert of the in-app notifications and one of the
 * deliveries with their outbox events, however many events and recipients.
 */
export async function announceAll(
  ctx: AppContext,
  announcements: readonly Announcement[],
): Promise<number> {
  const ids = [...new Set(announcements.flatMap((a) => a.recipients.map((r) => r.userId)))];
  if (ids.length === 0) {
    return 0;
  }
  const pushes: { userId: string; item: ReturnType<typeof presentNotification> }[] = [];
  const created = await ctx.db.transaction(async (tx) => {
    const people = new Map(
      (
        await tx
          .select({
            id: users.id,
            phone: users.phone,
            email: users.email,
            language: users.language,
            disabled: users.disabled,
          })
          .from(users)
          .where(inArray(users.id, ids))
      ).map((u) => [u.id, u]),
    );
    const preferences = await loadPreferences(tx, ids);
    const inApp: (typeof notifications.$inferInsert)[] = [];
    const outside: (typeof notificationDeliveries.$inferInsert & { sendAfter: Date })[] = [];
    for (const { kind, eventKey, link, recipients } of announcements) {
      for (const { userId, params } of recipients) {
        const user = people.get(userId);
        if (!user || user.disabled) {
          continue;
        }
        const language = user.language as TLanguage;
        const prefs = effectivePreferences(preferences.get(userId));
        for (const channel of channelsFor(kind, prefs)) {
          const message = renderMessage(kind, language, channel, params);
          if (channel === "in_app") {
            inApp.push({
              id: newId(),
              userId,
              kind,
              title: message.subject,
              body: message.body,
              link,
              eventKey,
            });
            continue;
          }
          const to = addressOf(channel, user);
          if (!to) {
            continue;
          }
          const critical = CRITICAL_KINDS.has(kind) && channel === "sms";
          outside.push({
            id: newId(),
            idempotencyKey: `${eventKey}:${userId}:${channel}`,
            eventKey,
            kind,
            userId,
            channel,
            recipient: to,
            language,
            subject: message.subject,
            body: message.body,
            params: message.params,
            critical: critical ? 1 : 0,
            sendAfter: critical ? new Date() : sendAfter(prefs.quietHours),
          });
        }
      }
    }
    const rows = [];
    for (const part of chunks(inApp)) {
      rows.push(...(await tx.insert(notifications).values(part).onConflictDoNothing().returning()));
    }
    for (const row of rows) {
      pushes.push({ userId: row.userId, item: presentNotification(row) });
    }
    const queuedColumns = {
      id: notificationDeliveries.id,
      sendAfter: notificationDeliveries.sendAfter,
    };
    const queued = [];
    for (const part of chunks(outside)) {
      queued.push(
        ...(await tx
          .insert(notificationDeliveries)
          .values(part)
          .onConflictDoNothing()
          .returning(queuedColumns)),
      );
    }
    await enqueueMixed(
      tx,
      queued.map((delivery) => ({
        topic: "notify.deliver" as const,
        payload: { deliveryId: delivery.id },
        availableAt: delivery.sendAfter,
      })),
    );
    return rows.length + queued.length;
  });
  for (const { userId, item } of pushes) {
    ctx.realtime?.toUser(userId, "notification:new", item);
  }
  return created;
}
