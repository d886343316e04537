import { MISMATCH_KINDS } from "@cs/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { pickupPoints } from "./catalog.ts";
import { groups, participations } from "./groups.ts";
import { users } from "./identity.ts";

const currency = () => text("currency", { enum: ["USD", "ZWG"] }).notNull();

/** One attempt to collect money for a participation through a provider. */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey(),
    participationId: uuid("participation_id")
      .notNull()
      .references(() => participations.id),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    provider: text("provider").notNull(),
    method: text("method", { enum: ["ecocash", "onemoney", "card", "cash"] }),
    /** The provider's id of the transaction (Paynow: its poll URL; Flutterwave: our tx_ref). */
    providerRef: text("provider_ref"),
    checkoutUrl: text("checkout_url"),
    /** What the payment is for: a share in full, the deposit of a cash share, or cash at pickup. */
    purpose: text("purpose", { enum: ["share", "cash_deposit", "cash_at_pickup"] })
      .notNull()
      .default("share"),
    /** The mobile-money number asked to approve (E.164), for express checkouts. */
    phone: text("phone"),
    /** What the provider tells the trader to do (e.g. dial *151# and enter the PIN). */
    instructions: text("instructions"),
    /** The provider's receipt number (Paynow reference, Flutterwave transaction id). */
    providerReceipt: text("provider_receipt"),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: currency(),
    /** Tier unit price the amount was computed at. */
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    status: text("status", {
      enum: ["pending", "succeeded", "failed", "expired", "cancelled"],
    }).notNull(),
    failureReason: text("failure_reason"),
    succeededAt: timestamp("succeeded_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("payments_provider_ref_key").on(t.provider, t.providerRef),
    index("payments_participation_idx").on(t.participationId),
    index("payments_trader_idx").on(t.traderId, t.createdAt),
    // The poll sweep and reconciliation read pending payments by age.
    index("payments_pending_idx").on(t.updatedAt).where(sql`${t.status} = 'pending'`),
    check("payments_amount_check", sql`${t.amount} > 0`),
  ],
);

/** Every webhook received, verified or not: the audit trail and the idempotency key. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid("id").primaryKey(),
    provider: text("provider").notNull(),
    /** The provider's event id (or transaction ref + status when it has none). */
    eventKey: text("event_key").notNull(),
    signatureValid: boolean("signature_valid").notNull(),
    outcome: text("outcome").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_events_key").on(t.provider, t.eventKey).where(sql`${t.signatureValid}`),
  ],
);

export const REFUND_REASONS = [
  "tier_adjustment",
  "group_expired",
  "group_cancelled",
  "trader_left",
  "quantity_reduced",
  /** Money that arrived for a share that no longer existed (left, or lapsed with no room left). */
  "late_payment",
  /** Units the supplier did not deliver, settled by an admin. */
  "short_delivery",
  /** A share not collected in the pickup window, refunded less handling costs by an admin. */
  "uncollected",
] as const;

/** Money owed back to a trader, sent through the provider the payment came from. */
export const refunds = pgTable(
  "refunds",
  {
    id: uuid("id").primaryKey(),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    participationId: uuid("participation_id")
      .notNull()
      .references(() => participations.id),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: currency(),
    reason: text("reason", { enum: REFUND_REASONS }).notNull(),
    status: text("status", { enum: ["pending", "sent", "failed", "manual"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    providerRef: text("provider_ref"),
    lastError: text("last_error"),
    /** The admin who sent a `manual` refund by hand, when, and what they noted (their reference). */
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolutionNote: text("resolution_note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("refunds_status_idx").on(t.status, t.createdAt),
    index("refunds_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'failed')`),
    index("refunds_participation_idx").on(t.participationId),
    check("refunds_amount_check", sql`${t.amount} > 0`),
  ],
);

/**
 * The double-entry journal. An entry's lines sum to zero per currency. Accounts are named by
 * convention: `provider:<name>` (money held at a provider), `escrow:<group id>`,
 * `supplier_payable:<supplier id>`, `platform:revenue`.
 */
export const journalEntries = pgTable(
  "journal_entries",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind").notNull(),
    referenceType: text("reference_type").notNull(),
    referenceId: text("reference_id").notNull(),
    memo: text("memo"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One entry per kind per reference: applying the same event twice cannot post twice.
    uniqueIndex("journal_entries_reference_key").on(t.kind, t.referenceType, t.referenceId),
  ],
);

export const journalLines = pgTable(
  "journal_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    entryId: uuid("entry_id")
      .notNull()
      .references(() => journalEntries.id),
    account: text("account").notNull(),
    currency: currency(),
    /** Signed minor units: positive debits, negative credits. */
    amount: bigint("amount", { mode: "number" }).notNull(),
  },
  (t) => [
    index("journal_lines_account_idx").on(t.account, t.currency),
    index("journal_lines_entry_idx").on(t.entryId),
  ],
);

/**
 * USD→ZWG rates as set by admins, newest wins; kept for history. The rate is stored in millionths
 * (26.85 ZWG per USD is 26_850_000) so that it is an integer like every other amount.
 */
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    id: uuid("id").primaryKey(),
    base: text("base", { enum: ["USD"] }).notNull(),
    quote: text("quote", { enum: ["ZWG"] }).notNull(),
    rateMicros: bigint("rate_micros", { mode: "number" }).notNull(),
    setBy: uuid("set_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("exchange_rates_pair_idx").on(t.base, t.quote, t.createdAt),
    check("exchange_rates_positive", sql`${t.rateMicros} > 0`),
  ],
);

/**
 * The sandbox provider's own books: what a real provider keeps on its side. The app reaches it
 * only through the provider adapter (HTTP API, hosted checkout page, signed webhooks).
 */
export const sandboxTransactions = pgTable(
  "sandbox_transactions",
  {
    id: text("id").primaryKey(),
    merchantReference: text("merchant_reference").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: currency(),
    description: text("description").notNull(),
    method: text("method", { enum: ["ecocash", "onemoney", "card"] }),
    status: text("status", { enum: ["created", "paid", "declined", "expired"] }).notNull(),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull().default(0),
    returnUrl: text("return_url").notNull(),
    webhookUrl: text("webhook_url").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("sandbox_transactions_reference_key").on(t.merchantReference)],
);

export const sandboxRefunds = pgTable("sandbox_refunds", {
  id: text("id").primaryKey(),
  transactionId: text("transaction_id")
    .notNull()
    .references(() => sandboxTransactions.id),
  amount: bigint("amount", { mode: "number" }).notNull(),
  /** The merchant's idempotency key: the same refund asked twice is made once. */
  merchantReference: text("merchant_reference").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Payment settings admins change at run time (e.g. `cash_deposit_rule`), one JSON value per key. */
export const paymentSettings = pgTable("payment_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<Record<string, unknown>>().notNull(),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A share the trader pays in cash at pickup. It is held by the deposit rule in force when they
 * joined (`deposit_bps`: none, or a part paid by mobile money first); the agent records the rest
 * at handover.
 */
export const cashCommitments = pgTable(
  "cash_commitments",
  {
    participationId: uuid("participation_id")
      .primaryKey()
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
    currency: currency(),
    depositBps: integer("deposit_bps").notNull(),
    status: text("status", {
      enum: ["awaiting_deposit", "committed", "collected", "cancelled"],
    }).notNull(),
    depositPaymentId: uuid("deposit_payment_id").references(() => payments.id),
    cashPaymentId: uuid("cash_payment_id").references(() => payments.id),
    collectedAmount: bigint("collected_amount", { mode: "number" }),
    collectedBy: uuid("collected_by").references(() => users.id),
    collectedAt: timestamp("collected_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("cash_commitments_point_idx").on(t.pickupPointId, t.collectedAt),
    index("cash_commitments_deposit_idx").on(t.depositPaymentId),
  ],
);

/** Cash counted at a pickup point at the end of a day (Africa/Harare), per currency. */
export const cashCounts = pgTable(
  "cash_counts",
  {
    id: uuid("id").primaryKey(),
    pickupPointId: uuid("pickup_point_id")
      .notNull()
      .references(() => pickupPoints.id),
    day: date("day", { mode: "string" }).notNull(),
    currency: currency(),
    countedAmount: bigint("counted_amount", { mode: "number" }).notNull(),
    countedBy: uuid("counted_by")
      .notNull()
      .references(() => users.id),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cash_counts_key").on(t.pickupPointId, t.day, t.currency)],
);

/** One comparison of our payments and ledger with a provider's books (polled or a statement). */
export const reconciliationRuns = pgTable(
  "reconciliation_runs",
  {
    id: uuid("id").primaryKey(),
    /** The day (Africa/Harare) a daily run covers; null for statements and runs asked by hand. */
    day: date("day", { mode: "string" }),
    source: text("source", { enum: ["daily", "manual", "statement"] }).notNull(),
    provider: text("provider"),
    checked: integer("checked").notNull().default(0),
    mismatches: integer("mismatches").notNull().default(0),
    startedBy: uuid("started_by").references(() => users.id),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("reconciliation_runs_daily_key").on(t.day).where(sql`${t.source} = 'daily'`)],
);

/** What reconciliation found, for admins to look into; the same finding is listed once. */
export const reconciliationMismatches = pgTable(
  "reconciliation_mismatches",
  {
    id: uuid("id").primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => reconciliationRuns.id),
    provider: text("provider").notNull(),
    kind: text("kind", { enum: MISMATCH_KINDS }).notNull(),
    paymentId: uuid("payment_id").references(() => payments.id),
    providerRef: text("provider_ref"),
    currency: text("currency", { enum: ["USD", "ZWG"] }),
    expectedAmount: bigint("expected_amount", { mode: "number" }),
    actualAmount: bigint("actual_amount", { mode: "number" }),
    detail: text("detail").notNull(),
    /** kind + what it is about: a finding already listed is not listed again. */
    fingerprint: text("fingerprint").notNull(),
    status: text("status", { enum: ["open", "resolved"] })
      .notNull()
      .default("open"),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolutionNote: text("resolution_note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("reconciliation_mismatches_fingerprint_key").on(t.fingerprint),
    index("reconciliation_mismatches_status_idx").on(t.status, t.createdAt),
  ],
);
