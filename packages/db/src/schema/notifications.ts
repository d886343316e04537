import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";

export const NOTIFICATION_CHANNELS = ["in_app", "sms", "email", "whatsapp"] as const;
export const DELIVERY_STATUSES = [
  "queued",
  "sent",
  "delivered",
  "read",
  "failed",
  "dead",
  "skipped",
] as const;

/** The notification centre: what a user sees in the app, newest first, read or not. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Where in the app the notification leads (a path), if anywhere. */
    link: text("link"),
    /** The event+recipient this came from: a redelivered event adds nothing. */
    eventKey: text("event_key").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.createdAt),
    index("notifications_unread_idx").on(t.userId).where(sql`${t.readAt} is null`),
    uniqueIndex("notifications_event_user_key").on(t.eventKey, t.userId),
  ],
);

/**
 * One message of one event to one user on one channel. The idempotency key
 * (`event:user:channel`) is unique: one event never sends the same message twice.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    eventKey: text("event_key").notNull(),
    kind: text("kind").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: NOTIFICATION_CHANNELS }).notNull(),
    /** Phone number or email address it goes to. */
    recipient: text("recipient").notNull(),
    language: text("language", { enum: ["en", "sn", "nd"] }).notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    /** Parameters of the provider's template (WhatsApp templates), in order. */
    params: jsonb("params").$type<string[]>().notNull().default([]),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("queued"),
    critical: integer("critical").notNull().default(0),
    driver: text("driver"),
    providerMessageId: text("provider_message_id"),
    attempts: smallint("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** Held back until then (the recipient's quiet hours). */
    sendAfter: timestamp("send_after", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notification_deliveries_key").on(t.idempotencyKey),
    index("notification_deliveries_provider_idx").on(t.driver, t.providerMessageId),
    index("notification_deliveries_dead_idx").on(t.updatedAt).where(sql`${t.status} = 'dead'`),
  ],
);

/**
 * Per user: which event groups on which channels (absent means the default), and quiet hours
 * as minutes after midnight in Africa/Harare (start may be after end: the window spans midnight).
 */
export const notificationPreferences = pgTable("notification_preferences", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  channels: jsonb("channels")
    .$type<Record<string, Partial<Record<(typeof NOTIFICATION_CHANNELS)[number], boolean>>>>()
    .notNull()
    .default({}),
  quietStart: smallint("quiet_start"),
  quietEnd: smallint("quiet_end"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Events that were announced once and must not be again (a deadline warning per group): the
 * sweep inserts the key and enqueues the notification only when the insert took.
 */
export const notificationEvents = pgTable("notification_events", {
  eventKey: text("event_key").primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
