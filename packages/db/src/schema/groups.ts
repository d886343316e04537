import { GROUP_STATUSES, PARTICIPATION_STATUSES } from "@cs/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
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
import { categories, markets, pickupPoints, products, suppliers } from "./catalog.ts";
import { users } from "./identity.ts";

const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});

export interface GroupDisplay {
  product: { id: string; name: string; unit: string; description: string; image: string | null };
  supplier: { id: string; name: string };
  category: { id: string; name: { en: string; sn: string; nd: string } };
  pickupPoints: Array<{
    id: string;
    name: string;
    marketId: string;
    address: string;
    hours: string;
  }>;
}

/**
 * A group buy: one product of one supplier, in one currency, with an MOQ, an optional cap and a
 * deadline. `held_qty` counts unpaid reservations, `paid_qty` paid ones; the cap bounds their sum
 * and is enforced by a single conditional UPDATE, never by read-then-write.
 */
export const groups = pgTable(
  "groups",
  {
    id: uuid("id").primaryKey(),
    /** Short code people type on SMS/USSD, e.g. `MAZ4K7`. */
    code: text("code").notNull(),
    productId: uuid("product_id")
      .notNull()
      .references(() => products.id),
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    status: text("status", { enum: GROUP_STATUSES }).notNull(),
    currency: text("currency", { enum: ["USD", "ZWG"] }).notNull(),
    moq: integer("moq").notNull(),
    cap: integer("cap"),
    minPerTrader: integer("min_per_trader").notNull().default(1),
    maxPerTrader: integer("max_per_trader"),
    deadline: timestamp("deadline", { withTimezone: true }).notNull(),
    heldQty: integer("held_qty").notNull().default(0),
    paidQty: integer("paid_qty").notNull().default(0),
    paidParticipants: integer("paid_participants").notNull().default(0),
    /** Unit price of the tier in force for the current paid quantity (kept in step on payment). */
    currentUnitPrice: bigint("current_unit_price", { mode: "number" }).notNull(),
    /** Set when the group closes: everyone pays this; differences are refunded. */
    finalUnitPrice: bigint("final_unit_price", { mode: "number" }),
    /** The price ladder, fixed when the group is created: unit price once paid quantity reaches `minQty`. */
    tiers: jsonb("tiers").$type<Array<{ minQty: number; unitPrice: number }>>().notNull(),
    /** What listings show, copied from the catalogue when the offer is made (an offer's terms do not drift). */
    display: jsonb("display").$type<GroupDisplay>().notNull(),
    searchVector: tsvector("search_vector").notNull(),
    /** Markets of the group's pickup points, for filtering without a join. */
    marketIds: text("market_ids").array().notNull().default(sql`'{}'::text[]`),
    requestId: uuid("request_id"),
    openedAt: timestamp("opened_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    cancelReason: text("cancel_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("groups_code_key").on(t.code),
    index("groups_status_deadline_idx").on(t.status, t.deadline),
    index("groups_supplier_idx").on(t.supplierId),
    index("groups_category_idx").on(t.categoryId, t.status),
    index("groups_search_idx").using("gin", t.searchVector),
    index("groups_market_ids_idx").using("gin", t.marketIds),
    // The other three sorts of the search, each with its keyset tie-breaker.
    index("groups_status_progress_idx").on(
      t.status,
      sql`(${t.paidQty} * 100 / ${t.moq}) desc`,
      sql`${t.id} desc`,
    ),
    index("groups_status_created_idx").on(t.status, sql`${t.createdAt} desc`, sql`${t.id} desc`),
    index("groups_status_price_idx").on(t.status, t.currentUnitPrice, t.id),
    check("groups_quantities_check", sql`${t.heldQty} >= 0 and ${t.paidQty} >= 0`),
    check("groups_cap_check", sql`${t.cap} is null or ${t.heldQty} + ${t.paidQty} <= ${t.cap}`),
    check("groups_moq_check", sql`${t.moq} > 0 and (${t.cap} is null or ${t.cap} >= ${t.moq})`),
  ],
);

export const groupPickupPoints = pgTable(
  "group_pickup_points",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    pickupPointId: uuid("pickup_point_id")
      .notNull()
      .references(() => pickupPoints.id),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.pickupPointId] })],
);

/** "I want cooking oil at bulk price": a trader's request that a supplier or admin can turn into an offer. */
export const groupRequests = pgTable(
  "group_requests",
  {
    id: uuid("id").primaryKey(),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id),
    productId: uuid("product_id").references(() => products.id),
    marketId: text("market_id")
      .notNull()
      .references(() => markets.id),
    description: text("description").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: ["open", "converted", "declined"] })
      .notNull()
      .default("open"),
    groupId: uuid("group_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("group_requests_status_idx").on(t.status, t.createdAt)],
);

/**
 * A trader's share of a group. `amount_paid` is what was captured; `amount_refunded` what has
 * been (or is being) given back, so `amount_paid - amount_refunded` is what the trader has in.
 */
export const participations = pgTable(
  "participations",
  {
    id: uuid("id").primaryKey(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: PARTICIPATION_STATUSES }).notNull(),
    pickupPointId: uuid("pickup_point_id")
      .notNull()
      .references(() => pickupPoints.id),
    currency: text("currency", { enum: ["USD", "ZWG"] }).notNull(),
    holdExpiresAt: timestamp("hold_expires_at", { withTimezone: true }).notNull(),
    unitPricePaid: bigint("unit_price_paid", { mode: "number" }),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull().default(0),
    amountRefunded: bigint("amount_refunded", { mode: "number" }).notNull().default(0),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One live share per trader per group.
    uniqueIndex("participations_active_key")
      .on(t.groupId, t.traderId)
      .where(sql`${t.status} in ('reserved', 'paid', 'ready_for_pickup', 'collected')`),
    index("participations_trader_idx").on(t.traderId, t.createdAt),
    index("participations_hold_idx").on(t.holdExpiresAt).where(sql`${t.status} = 'reserved'`),
    check("participations_quantity_check", sql`${t.quantity} > 0`),
    check(
      "participations_money_check",
      sql`${t.amountRefunded} >= 0 and ${t.amountRefunded} <= ${t.amountPaid}`,
    ),
  ],
);
