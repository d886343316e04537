import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The durable outbox: events written in the same transaction as the change that caused them,
 * delivered after commit by the worker (`FOR UPDATE SKIP LOCKED`), retried with backoff.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    topic: text("topic").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    availableAt: timestamp("available_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    /** Set when the event ran out of attempts: kept for admins, never retried on its own. */
    deadAt: timestamp("dead_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("outbox_pending_idx")
      .on(t.availableAt)
      .where(sql`${t.deliveredAt} is null and ${t.deadAt} is null`),
  ],
);

/**
 * Messages handed to the embedded ("local") channel drivers. In development they are what
 * `/dev/messages` shows; nothing here is sent to a real network.
 */
export const localMessages = pgTable(
  "local_messages",
  {
    id: uuid("id").primaryKey(),
    channel: text("channel", { enum: ["sms", "email", "whatsapp"] }).notNull(),
    recipient: text("recipient").notNull(),
    body: text("body").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("local_messages_recipient_idx").on(t.recipient, t.createdAt),
    uniqueIndex("local_messages_idempotency_key").on(t.idempotencyKey),
  ],
);
