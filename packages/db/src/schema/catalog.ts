import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";

/** Markets of Harare (Mbare Musika, Glen View, ...). Ids are stable slugs. */
export const markets = pgTable("markets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  area: text("area").notNull(),
});

export const pickupPoints = pgTable(
  "pickup_points",
  {
    id: uuid("id").primaryKey(),
    marketId: text("market_id")
      .notNull()
      .references(() => markets.id),
    name: text("name").notNull(),
    address: text("address").notNull(),
    hours: text("hours").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pickup_points_market_idx").on(t.marketId)],
);

export const categories = pgTable("categories", {
  id: text("id").primaryKey(),
  name: jsonb("name").$type<{ en: string; sn: string; nd: string }>().notNull(),
});

export const suppliers = pgTable("suppliers", {
  id: uuid("id").primaryKey(),
  businessName: text("business_name").notNull(),
  verificationStatus: text("verification_status", {
    enum: ["pending", "verified", "rejected"],
  })
    .notNull()
    .default("pending"),
  contactPhone: text("contact_phone").notNull(),
  contactEmail: text("contact_email"),
  marketId: text("market_id").references(() => markets.id),
  address: text("address").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A supplier's team; the member's team role is `users.staff_role`. */
export const supplierMembers = pgTable(
  "supplier_members",
  {
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.userId] })],
);

/** A pickup agent works at one pickup point. */
export const pickupAgents = pgTable("pickup_agents", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  pickupPointId: uuid("pickup_point_id")
    .notNull()
    .references(() => pickupPoints.id),
});

export const products = pgTable(
  "products",
  {
    id: uuid("id").primaryKey(),
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id),
    name: text("name").notNull(),
    description: text("description").notNull(),
    unit: text("unit").notNull(),
    currency: text("currency", { enum: ["USD", "ZWG"] }).notNull(),
    /** Supplier's single-unit price in minor units, before any group tier. */
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    stock: integer("stock").notNull(),
    /** Image URLs (served by the media storage); the first is the cover. */
    images: jsonb("images").$type<string[]>().notNull().default([]),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("products_supplier_idx").on(t.supplierId),
    index("products_category_idx").on(t.categoryId),
  ],
);

/**
 * A product's default price ladder by the group's total quantity: a group copies it when it is
 * created, and from then on its own tiers are what count.
 */
export const productTiers = pgTable(
  "product_tiers",
  {
    productId: uuid("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    minQty: integer("min_qty").notNull(),
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.minQty] })],
);
