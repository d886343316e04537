import { CREDENTIAL_STATUSES } from "@cs/contracts";
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { pickupPoints } from "./catalog.ts";
import { groups, participations } from "./groups.ts";
import { users } from "./identity.ts";

/**
 * What a trader shows at the pickup point: one per paid participation. The QR token is derived
 * from this row and the key `key_id` names (never stored); the 8-digit short code is derived from
 * the server's code secret, the id and `code_version`, and only an HMAC of it (`short_code_hash`,
 * for lookups) and a slow hash (`offline_code_hash`, for offline checks) are kept. `collected_qty` grows with each (partial) handover; at `quantity` the status is collected.
 */
export const pickupCredentials = pgTable(
  "pickup_credentials",
  {
    id: uuid("id").primaryKey(),
    participationId: uuid("participation_id")
      .notNull()
      .references(() => participations.id),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    pickupPointId: uuid("pickup_point_id")
      .notNull()
      .references(() => pickupPoints.id),
    quantity: integer("quantity").notNull(),
    collectedQty: integer("collected_qty").notNull().default(0),
    status: text("status", { enum: CREDENTIAL_STATUSES }).notNull(),
    keyId: text("key_id").notNull(),
    /** The short code is derived from the server key, the id and this version (bumped on a clash). */
    codeVersion: integer("code_version").notNull().default(0),
    shortCodeHash: text("short_code_hash").notNull(),
    offlineCodeHash: text("offline_code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    collectedAt: timestamp("collected_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("pickup_credentials_participation_key").on(t.participationId),
    // A typed code names one live credential at a pickup point.
    uniqueIndex("pickup_credentials_live_code_key")
      .on(t.pickupPointId, t.shortCodeHash)
      .where(sql`${t.status} = 'live'`),
    // Typed codes of every status (a used code says "already collected", another point's says so).
    index("pickup_credentials_code_idx").on(t.shortCodeHash),
    index("pickup_credentials_point_idx").on(t.pickupPointId, t.status),
    index("pickup_credentials_group_idx").on(t.groupId),
    index("pickup_credentials_trader_idx").on(t.traderId),
    check(
      "pickup_credentials_quantity_check",
      sql`${t.quantity} > 0 and ${t.collectedQty} >= 0 and ${t.collectedQty} <= ${t.quantity}`,
    ),
  ],
);

/**
 * Each handover of goods, online or synced from an offline device. `client_id` is the device's
 * own id for an offline record: syncing it twice applies it once.
 */
export const pickupHandovers = pgTable(
  "pickup_handovers",
  {
    id: uuid("id").primaryKey(),
    credentialId: uuid("credential_id")
      .notNull()
      .references(() => pickupCredentials.id),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => users.id),
    quantity: integer("quantity").notNull(),
    source: text("source", { enum: ["online", "offline"] }).notNull(),
    clientId: uuid("client_id"),
    deviceId: text("device_id"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("pickup_handovers_client_key").on(t.clientId),
    index("pickup_handovers_credential_idx").on(t.credentialId),
    check("pickup_handovers_quantity_check", sql`${t.quantity} > 0`),
  ],
);

/**
 * Offline sync records that were not applied (duplicate of nothing, conflict): kept so that a
 * device re-sending one gets the same answer, and admins can see what happened.
 */
export const pickupSyncRejections = pgTable("pickup_sync_rejections", {
  clientId: uuid("client_id").primaryKey(),
  credentialId: uuid("credential_id"),
  agentId: uuid("agent_id")
    .notNull()
    .references(() => users.id),
  reason: text("reason").notNull(),
  disputeId: uuid("dispute_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Wrong short codes and tokens, counted per scope (`agent:<id>`, `point:<id>`) in a sliding
 * window; past the limit the scope is locked for a while.
 */
export const pickupAttempts = pgTable("pickup_attempts", {
  scope: text("scope").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});
