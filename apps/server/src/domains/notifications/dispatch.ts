import type { TChannel, TLanguage, TNotificationKind } from "@cs/contracts";
import { notificationDeliveries, notifications, users } from "@cs/db";
import { inArray } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
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
 * Fans one event out to its recipients, in one transaction: an in-app notification each (pushed
 * live after commit) and one delivery per outside channel they want, each with its own outbox
 * event (retried on its own, held back until the end of the recipient's quiet hours unless
 * critical). Unique keys per event+user(+channel) make a repeated announcement a no-op.
 * Returns how many messages were created.
 */
export async function announce(ctx: AppContext, announcement: Announcement): Promise<number> {
  const { kind, eventKey } = announcement;
  const ids = [...new Set(announcement.recipients.map((r) => r.userId))];
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
    let count = 0;
    for (const { userId, params } of announcement.recipients) {
      const user = people.get(userId);
      if (!user || user.disabled) {
        continue;
      }
      const language = user.language as TLanguage;
      const prefs = effectivePreferences(preferences.get(userId));
      for (const channel of channelsFor(kind, prefs)) {
        const message = renderMessage(kind, language, channel, params);
        if (channel === "in_app") {
          const [row] = await tx
            .insert(notifications)
            .values({
              id: newId(),
              userId,
              kind,
              title: message.subject,
              body: message.body,
              link: announcement.link,
              eventKey,
            })
            .onConflictDoNothing()
            .returning();
          if (row) {
            pushes.push({ userId, item: presentNotification(row) });
            count++;
          }
          continue;
        }
        const to = addressOf(channel, user);
        if (!to) {
          continue;
        }
        const critical = CRITICAL_KINDS.has(kind) && channel === "sms";
        const after = critical ? new Date() : sendAfter(prefs.quietHours);
        const [delivery] = await tx
          .insert(notificationDeliveries)
          .values({
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
            sendAfter: after,
          })
          .onConflictDoNothing()
          .returning({ id: notificationDeliveries.id });
        if (delivery) {
          await enqueue(tx, "notify.deliver", { deliveryId: delivery.id }, { availableAt: after });
          count++;
        }
      }
    }
    return count;
  });
  for (const { userId, item } of pushes) {
    ctx.realtime?.toUser(userId, "notification:new", item);
  }
  return created;
}
