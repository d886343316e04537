import {
  CHANNELS,
  NOTIFICATION_GROUP_OF,
  NOTIFICATION_GROUPS,
  type TChannel,
  type TNotificationGroup,
  type TNotificationKind,
  type TNotificationPreferences,
  type TUpdatePreferences,
} from "@cs/contracts";
import { type DbOrTx, notificationPreferences } from "@cs/db";
import { eq, inArray, sql } from "drizzle-orm";

/** Payment results and the pickup code reach the trader by SMS whatever they chose. */
export const CRITICAL_KINDS: ReadonlySet<TNotificationKind> = new Set([
  "payment_confirmed",
  "payment_failed",
  "ready_for_pickup",
]);

/** What a user gets before choosing: in the app always, SMS for what they act on, no WhatsApp. */
const DEFAULTS: Record<TNotificationGroup, Record<TChannel, boolean>> = {
  groups: { in_app: true, sms: true, email: true, whatsapp: false },
  payments: { in_app: true, sms: true, email: true, whatsapp: false },
  orders: { in_app: true, sms: true, email: true, whatsapp: false },
  pickup: { in_app: true, sms: true, email: true, whatsapp: false },
  disputes: { in_app: true, sms: false, email: true, whatsapp: false },
  admin: { in_app: true, sms: false, email: true, whatsapp: false },
};

type Row = typeof notificationPreferences.$inferSelect;

/** A user's preferences with the defaults filled in. */
export function effectivePreferences(row: Row | undefined): TNotificationPreferences {
  const channels = Object.fromEntries(
    NOTIFICATION_GROUPS.map((group) => [
      group,
      Object.fromEntries(
        CHANNELS.map((channel) => [
          channel,
          row?.channels[group]?.[channel] ?? DEFAULTS[group][channel],
        ]),
      ),
    ]),
  ) as TNotificationPreferences["channels"];
  const quietHours =
    row && row.quietStart !== null && row.quietEnd !== null
      ? { start: row.quietStart, end: row.quietEnd }
      : null;
  return { channels, quietHours };
}

export async function loadPreferences(db: DbOrTx, userIds: string[]): Promise<Map<string, Row>> {
  if (userIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, userIds));
  return new Map(rows.map((row) => [row.userId, row]));
}

/**
 * The channels one event goes to for one user: those they chose for its group, plus SMS for a
 * critical event even if they turned SMS off. In-app is always on the list when chosen.
 */
export function channelsFor(
  kind: TNotificationKind,
  preferences: TNotificationPreferences,
): TChannel[] {
  const chosen = preferences.channels[NOTIFICATION_GROUP_OF[kind]];
  const channels = CHANNELS.filter((channel) => chosen[channel]);
  if (CRITICAL_KINDS.has(kind) && !channels.includes("sms")) {
    channels.push("sms");
  }
  return channels;
}

const harareClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Harare",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Minutes after midnight in Harare at `now`. */
export function harareMinutes(now: Date): number {
  const parts = harareClock.formatToParts(now);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

/**
 * When a message may go out to someone with these quiet hours: now, or the end of the quiet
 * window (Africa/Harare) if now is inside it. A window may span midnight (22:00–06:00).
 */
export function sendAfter(quiet: { start: number; end: number } | null, now = new Date()): Date {
  if (!quiet || quiet.start === quiet.end) {
    return now;
  }
  const minute = harareMinutes(now);
  const inside =
    quiet.start < quiet.end
      ? minute >= quiet.start && minute < quiet.end
      : minute >= quiet.start || minute < quiet.end;
  if (!inside) {
    return now;
  }
  const wait = (quiet.end - minute + 1440) % 1440;
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

/** A user's preferences, defaults filled in. */
export async function getPreferences(
  db: DbOrTx,
  userId: string,
): Promise<TNotificationPreferences> {
  const [row] = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  return effectivePreferences(row);
}

/** Saves what the user changed; what they did not mention keeps its value. */
export async function savePreferences(
  db: DbOrTx,
  userId: string,
  change: TUpdatePreferences,
): Promise<TNotificationPreferences> {
  const [current] = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const channels = { ...(current?.channels ?? {}) };
  for (const [group, values] of Object.entries(change.channels ?? {})) {
    channels[group] = { ...(channels[group] ?? {}), ...values };
  }
  const quiet =
    change.quietHours === undefined
      ? { quietStart: current?.quietStart ?? null, quietEnd: current?.quietEnd ?? null }
      : change.quietHours === null
        ? { quietStart: null, quietEnd: null }
        : { quietStart: change.quietHours.start, quietEnd: change.quietHours.end };
  const [row] = await db
    .insert(notificationPreferences)
    .values({ userId, channels, ...quiet })
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: { channels, ...quiet, updatedAt: sql`now()` },
    })
    .returning();
  return effectivePreferences(row);
}
