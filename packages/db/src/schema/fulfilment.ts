import { DISPUTE_KINDS, DROP_CONDITIONS, ORDER_STATUSES } from "@cs/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { pickupPoints, suppliers } from "./catalog.ts";
import { groups } from "./groups.ts";
import { users } from "./identity.ts";

/**
 * What a funded group asks of its supplier: one row per group, created by the `group.funded`
 * handler. Quantities and prices are copied at creation (the order's terms do not drift).
 * `collected_qty` counts units handed over to traders, kept in step by every handover.
 */
export const supplierOrders = pgTable(
  "supplier_orders",
  {
    id: uuid("id").primaryKey(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    currency: text("currency", { enum: ["USD", "ZWG"] }).notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    /** What the traders pay in total (quantity × final price, less any per-trader cap). */
    gross: bigint("gross", { mode: "number" }).notNull(),
    commission: bigint("commission", { mode: "number" }).notNull(),
    participantCount: integer("participant_count").notNull(),
    respondBy: timestamp("respond_by", { withTimezone: true }).notNull(),
    deliveryDate: date("delivery_date"),
    rejectionReason: text("rejection_reason"),
    trackingNote: text("tracking_note"),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** Units the traders can collect (the received quantity once every drop is checked in). */
    collectableQty: integer("collectable_qty").notNull().default(0),
    collectedQty: integer("collected_qty").notNull().default(0),
    /** When pickup credentials expire; the completion sweep looks at it. */
    pickupClosesAt: timestamp("pickup_closes_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("supplier_orders_group_key").on(t.groupId),
    index("supplier_orders_supplier_idx").on(t.supplierId, t.createdAt),
    index("supplier_orders_respond_idx").on(t.respondBy).where(sql`${t.status} = 'pending'`),
    index("supplier_orders_pickup_idx")
      .on(t.pickupClosesAt)
      .where(sql`${t.status} = 'received' and ${t.closedAt} is null`),
    check(
      "supplier_orders_collected_check",
      sql`${t.collectedQty} >= 0 and ${t.collectedQty} <= ${t.collectableQty}`,
    ),
  ],
);

/** One pickup point's part of an order: what the agent there checks in. */
export const orderDrops = pgTable(
  "order_drops",
  {
    orderId: uuid("order_id")
      .notNull()
      .references(() => supplierOrders.id),
    pickupPointId: uuid("pickup_point_id")
      .notNull()
      .references(() => pickupPoints.id),
    quantity: integer("quantity").notNull(),
    participantCount: integer("participant_count").notNull(),
    status: text("status", { enum: ["pending", "received", "short"] })
      .notNull()
      .default("pending"),
    receivedQty: integer("received_qty"),
    condition: text("condition", { enum: DROP_CONDITIONS }),
    notes: text("notes"),
    photoRef: text("photo_ref"),
    receivedBy: uuid("received_by").references(() => users.id),
    receivedAt: timestamp("received_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.pickupPointId] }),
    index("order_drops_point_idx").on(t.pickupPointId, t.status),
  ],
);

/** Something an admin must look at and resolve. */
export const disputes = pgTable(
  "disputes",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind", { enum: DISPUTE_KINDS }).notNull(),
    status: text("status", { enum: ["open", "resolved"] })
      .notNull()
      .default("open"),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    orderId: uuid("order_id").references(() => supplierOrders.id),
    pickupPointId: uuid("pickup_point_id").references(() => pickupPoints.id),
    credentialId: uuid("credential_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    resolution: text("resolution"),
    resolutionNote: text("resolution_note"),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("disputes_status_idx").on(t.status, t.createdAt),
    index("disputes_group_idx").on(t.groupId),
  ],
);

/**
 * Gap-free counters (invoice numbers): the row is updated in the transaction that uses the
 * number, so a rolled-back transaction gives its number back. A sequence would leave gaps.
 */
export const counters = pgTable("counters", {
  name: text("name").primaryKey(),
  value: bigint("value", { mode: "number" }).notNull(),
});

export interface InvoiceSnapshot {
  seller: { name: string; address: string; phone: string; email: string | null };
  platform: { name: string };
  buyer: { name: string; note: string };
  lines: Array<{ description: string; quantity: number; unitPrice: number; amount: number }>;
  subtotal: number;
  commission: number;
  commissionBps: number;
  vatRateBps: number;
  vat: number;
  total: number;
  netToSupplier: number;
  groupCode: string;
  orderId: string;
}

/** One invoice per supplier order, numbered without gaps; the figures are frozen at issue. */
export const invoices = pgTable(
  "invoices",
  {
    id: uuid("id").primaryKey(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => supplierOrders.id),
    number: bigint("number", { mode: "number" }).notNull(),
    currency: text("currency", { enum: ["USD", "ZWG"] }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    snapshot: jsonb("snapshot").$type<InvoiceSnapshot>().notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_order_key").on(t.orderId),
    uniqueIndex("invoices_number_key").on(t.number),
  ],
);
