import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { groups } from "./groups.ts";
import { users } from "./identity.ts";

/**
 * A group's chat room: `last_seq` hands out each message's number in the room. Taking the next
 * number is one `insert … on conflict do update … returning`, which also locks the row until the
 * message commits, so numbers are gapless and commit in order within a room.
 */
export const chatRooms = pgTable("chat_rooms", {
  groupId: uuid("group_id")
    .primaryKey()
    .references(() => groups.id, { onDelete: "cascade" }),
  lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const CHAT_MESSAGE_KINDS = ["text", "image", "system"] as const;

/**
 * A message in a group's room. Text is stored exactly as typed (rendered as text, never as HTML).
 * A system message stores a kind and its parameters, never words: each reader sees it in their
 * own language. `client_id` makes a sender's retried send land once.
 */
export const chatMessages = pgTable(
  "chat_messages",
  {
    id: uuid("id").primaryKey(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    kind: text("kind", { enum: CHAT_MESSAGE_KINDS }).notNull(),
    senderId: uuid("sender_id").references(() => users.id),
    clientId: uuid("client_id"),
    body: text("body"),
    mediaId: uuid("media_id"),
    systemKind: text("system_kind"),
    systemKey: text("system_key"),
    params: jsonb("params").$type<Record<string, string | number>>(),
    pinned: boolean("pinned").notNull().default(false),
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
    hiddenBy: uuid("hidden_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("chat_messages_seq_key").on(t.groupId, t.seq),
    uniqueIndex("chat_messages_client_key").on(t.senderId, t.clientId),
    uniqueIndex("chat_messages_system_key")
      .on(t.groupId, t.systemKind, t.systemKey)
      .where(sql`${t.kind} = 'system'`),
    // The per-user rate limit counts a sender's recent messages.
    index("chat_messages_sender_idx").on(t.senderId, t.createdAt),
    check(
      "chat_messages_shape_check",
      sql`(${t.kind} = 'system' and ${t.systemKind} is not null and ${t.systemKey} is not null)
        or (${t.kind} = 'text' and ${t.senderId} is not null and ${t.body} is not null)
        or (${t.kind} = 'image' and ${t.senderId} is not null and ${t.mediaId} is not null)`,
    ),
  ],
);

/** How far each member has read a room (the last seq they have seen). */
export const chatReads = pgTable(
  "chat_reads",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

/** A member's report of a message, for the moderators; one per member per message. */
export const chatReports = pgTable(
  "chat_reports",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => chatMessages.id, { onDelete: "cascade" }),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.reporterId] })],
);
