import { sql } from "drizzle-orm";
import {
  bigserial,
  customType,
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
    // In the claim's order (available_at, id): a claim reads the first rows of the index and
    // stops, however long the backlog; on available_at alone it sorted the whole backlog.
    index("outbox_pending_idx")
      .on(t.availableAt, t.id)
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

/** Raw bytes: `bytea` in PostgreSQL, a Node Buffer in the app. */
const bytes = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Media storage: uploaded images (a delivery's photo, later chat images), kept in the database so
 * that every instance and every backup has them. Each belongs to what it was uploaded for.
 */
export const mediaObjects = pgTable(
  "media_objects",
  {
    id: uuid("id").primaryKey(),
    /** What it is for, e.g. `delivery_photo`; decides who may see it. */
    purpose: text("purpose").notNull(),
    /** The object it belongs to (for a delivery photo: the supplier order). */
    subjectId: uuid("subject_id").notNull(),
    contentType: text("content_type").notNull(),
    byteSize: integer("byte_size").notNull(),
    sha256: text("sha256").notNull(),
    data: bytes("data").notNull(),
    uploadedBy: uuid("uploaded_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("media_objects_subject_idx").on(t.subjectId)],
);
