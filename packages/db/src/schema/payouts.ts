import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { suppliers } from "./catalog.ts";
import { users } from "./identity.ts";

const currency = () => text("currency", { enum: ["USD", "ZWG"] }).notNull();

/**
 * Where a supplier wants to be paid, one account per currency: a bank account, or a mobile-money
 * wallet (`bank_code` `MPS`, the code Flutterwave uses for mobile money). Set by the supplier's
 * owner; every payout keeps a copy of the one it was sent to.
 */
export const payoutDestinations = pgTable(
  "payout_destinations",
  {
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    currency: currency(),
    kind: text("kind", { enum: ["bank", "mobile_money"] }).notNull(),
    bankCode: text("bank_code").notNull(),
    bankName: text("bank_name").notNull(),
    accountNumber: text("account_number").notNull(),
    accountName: text("account_name").notNull(),
    updatedBy: uuid("updated_by")
      .notNull()
      .references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.currency] })],
);

export type PayoutDestinationCopy = {
  kind: "bank" | "mobile_money";
  bankCode: string;
  bankName: string;
  accountNumber: string;
  accountName: string;
};

/**
 * Money paid out of a supplier's releasable balance. `pending`: taken from the balance, not yet
 * sent; `sent`: the transfer is queued at the provider, or the payout is in a file an admin
 * exported for the bank; `paid`: the provider or the bank confirmed it; `failed`: it did not go
 * through and the amount went back to the releasable balance. Its id is the reference the
 * provider and the bank see.
 */
export const payouts = pgTable(
  "payouts",
  {
    id: uuid("id").primaryKey(),
    supplierId: uuid("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    currency: currency(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    /** `flutterwave`: a transfer through its API; `file`: a line in a payout file for the bank. */
    method: text("method", { enum: ["flutterwave", "file"] }).notNull(),
    status: text("status", { enum: ["pending", "sent", "paid", "failed"] }).notNull(),
    destination: jsonb("destination").$type<PayoutDestinationCopy>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Flutterwave's transfer id, or the bank's reference an admin entered. */
    providerRef: text("provider_ref"),
    /** The payout file it went out in. */
    exportId: uuid("export_id").references(() => payoutExports.id),
    lastError: text("last_error"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    /** The admin who confirmed or failed a file payout by hand. */
    resolvedBy: uuid("resolved_by").references(() => users.id),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("payouts_supplier_idx").on(t.supplierId, t.createdAt),
    index("payouts_status_idx").on(t.status, t.createdAt),
    index("payouts_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.method} = 'flutterwave' and ${t.status} in ('pending', 'sent')`),
    check("payouts_amount_check", sql`${t.amount} > 0`),
  ],
);

/** A payout file an admin downloaded: which payouts it holds is `payouts.export_id`. */
export const payoutExports = pgTable("payout_exports", {
  id: uuid("id").primaryKey(),
  currency: currency(),
  count: integer("count").notNull(),
  total: bigint("total", { mode: "number" }).notNull(),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
