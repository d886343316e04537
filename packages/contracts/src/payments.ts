import { z } from "zod";
import { ZCurrency } from "./common.ts";
import {
  MOBILE_MONEY_METHODS,
  PAYMENT_PURPOSES,
  ZCheckoutMethod,
  ZPaymentCore,
  ZRefund,
} from "./groups.ts";

/** One page of a cursor-paginated list. */
function cursorPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const ZCursorQuery = {
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

/** A day in Africa/Harare, `YYYY-MM-DD`. */
export const ZDay = z.iso.date();

// ---- The trader's payment history and receipts -------------------------------------------

export const ZPaymentHistoryQuery = z.strictObject(ZCursorQuery);

export const ZPaymentHistoryItem = ZPaymentCore.extend({
  id: z.string(),
  participationId: z.string(),
  group: z.object({ id: z.string(), code: z.string(), title: z.string() }),
  /** The provider's receipt number, once paid. */
  providerReceipt: z.string().nullable(),
  createdAt: z.string(),
  succeededAt: z.string().nullable(),
  /** Money given back from this payment (every refund, with its state). */
  refunds: z.array(ZRefund),
  /** GET /me/payments/:id/receipt answers for this payment. */
  hasReceipt: z.boolean(),
});
export type TPaymentHistoryItem = z.infer<typeof ZPaymentHistoryItem>;
export const ZPaymentHistory = cursorPage(ZPaymentHistoryItem);

export const ZReceipt = z.object({
  /** Printed on the receipt: CS-<yyyymmdd>-<last 8 of the payment id>. */
  receiptNumber: z.string(),
  paymentId: z.string(),
  paidAt: z.string(),
  trader: z.object({ name: z.string(), phone: z.string() }),
  group: z.object({ id: z.string(), code: z.string(), title: z.string() }),
  product: z.object({ name: z.string(), unit: z.string() }),
  supplier: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  amount: z.number().int(),
  currency: ZCurrency,
  provider: z.string(),
  method: ZCheckoutMethod.nullable(),
  purpose: z.enum(PAYMENT_PURPOSES),
  providerReceipt: z.string().nullable(),
  refunds: z.array(ZRefund),
  /** amount less refunds already sent. */
  netAmount: z.number().int(),
});
export type TReceipt = z.infer<typeof ZReceipt>;

// ---- Refunds for admins -----------------------------------------------------------------

export const REFUND_STATUSES = ["pending", "sent", "failed", "manual"] as const;

export const ZAdminRefundQuery = z.strictObject({
  status: z.enum(REFUND_STATUSES).optional(),
  ...ZCursorQuery,
});

export const ZAdminRefund = z.object({
  id: z.string(),
  paymentId: z.string(),
  participationId: z.string(),
  traderId: z.string(),
  amount: z.number().int(),
  currency: ZCurrency,
  reason: z.string(),
  status: z.enum(REFUND_STATUSES),
  /** Where the money came from: the refund goes back through it. */
  provider: z.string(),
  method: ZCheckoutMethod.nullable(),
  /** The number the money came from, for a refund sent by hand. */
  phone: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /** The provider's refund id, or the reference an admin typed for a refund sent by hand. */
  providerRef: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TAdminRefund = z.infer<typeof ZAdminRefund>;
export const ZAdminRefundList = cursorPage(ZAdminRefund);

export const ZCompleteManualRefund = z.strictObject({
  /** The reference of the transfer made by hand (EcoCash transaction id, bank reference...). */
  reference: z.string().trim().min(3).max(200),
  note: z.string().trim().max(500).optional(),
});

// ---- Reconciliation ---------------------------------------------------------------------

export const MISMATCH_KINDS = [
  /** We counted the money as received; the provider has no such payment. */
  "missing_at_provider",
  /** The provider took the money; our payments or ledger do not have it. */
  "missing_in_ledger",
  /** The same money counted twice (two captures, or two provider transactions for one). */
  "duplicated",
  "amount_mismatch",
] as const;

export const ZMismatchQuery = z.strictObject({
  status: z.enum(["open", "resolved"]).default("open"),
  kind: z.enum(MISMATCH_KINDS).optional(),
  provider: z.string().max(20).optional(),
  ...ZCursorQuery,
});

export const ZMismatch = z.object({
  id: z.string(),
  runId: z.string(),
  provider: z.string(),
  kind: z.enum(MISMATCH_KINDS),
  paymentId: z.string().nullable(),
  providerRef: z.string().nullable(),
  currency: ZCurrency.nullable(),
  /** What our books say, and what the provider says (minor units). */
  expectedAmount: z.number().int().nullable(),
  actualAmount: z.number().int().nullable(),
  detail: z.string(),
  status: z.enum(["open", "resolved"]),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
});
export type TMismatch = z.infer<typeof ZMismatch>;
export const ZMismatchList = cursorPage(ZMismatch);

export const ZResolveMismatch = z.strictObject({ note: z.string().trim().min(3).max(500) });

export const ZReconciliationRun = z.object({
  id: z.string(),
  day: z.string().nullable(),
  source: z.enum(["daily", "manual", "statement"]),
  provider: z.string().nullable(),
  checked: z.number().int(),
  mismatches: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TReconciliationRun = z.infer<typeof ZReconciliationRun>;

export const ZRunReconciliation = z.strictObject({
  /** Payments created from this day (Africa/Harare) on; default: yesterday. */
  from: ZDay.optional(),
  /** ... up to and including this day; default: same as `from`. */
  to: ZDay.optional(),
});

/**
 * A provider's statement as CSV with a header row. Columns (any order, case-insensitive):
 * `reference` (our payment id: Paynow reference / Flutterwave tx_ref), `provider_reference`,
 * `amount` (decimal, e.g. 12.50), `currency`, `status` (paid/successful/... counts as paid).
 */
export const ZImportStatement = z.strictObject({
  provider: z.string().regex(/^[a-z]{2,20}$/),
  csv: z.string().min(1).max(1_000_000),
  /**
   * The days (Africa/Harare) the statement covers: our payments through this provider that
   * succeeded then and are not on it are reported missing at the provider. Without them, only
   * the statement's own rows are checked.
   */
  from: ZDay.optional(),
  to: ZDay.optional(),
});

// ---- Cash at pickup ---------------------------------------------------------------------

/**
 * What holds a share paid in cash at pickup: nothing (the trader's word), or a deposit of
 * `percentBps` (1000 = 10%) of the share paid by mobile money when joining.
 */
export const ZCashDepositRule = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("none") }),
  z.strictObject({ mode: z.literal("deposit"), percentBps: z.number().int().min(1).max(10_000) }),
]);
export type TCashDepositRule = z.infer<typeof ZCashDepositRule>;
export const ZCashDepositRuleView = z.object({
  rule: ZCashDepositRule,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export const ZCashReconciliationQuery = z.strictObject({
  /** Default: today in Africa/Harare. */
  day: ZDay.optional(),
  pickupPointId: z.uuid().optional(),
});

export const ZCashReconciliation = z.object({
  day: z.string(),
  items: z.array(
    z.object({
      pickupPointId: z.string(),
      pickupPointName: z.string(),
      currency: ZCurrency,
      /** Cash recorded by agents at handover that day. */
      collections: z.number().int(),
      collected: z.number().int(),
      /** What was counted at the end of the day (null until counted). */
      counted: z.number().int().nullable(),
      /** counted - collected (negative: cash missing). */
      difference: z.number().int().nullable(),
    }),
  ),
});
export type TCashReconciliation = z.infer<typeof ZCashReconciliation>;

export const ZCashCount = z.strictObject({
  pickupPointId: z.uuid(),
  day: ZDay,
  currency: ZCurrency,
  countedAmount: z.number().int().min(0).max(100_000_000_000),
  note: z.string().trim().max(500).optional(),
});

// ---- How a group's currency can be paid ---------------------------------------------------

export const ZPaymentMethodsQuery = z.strictObject({ currency: ZCurrency });

export const ZOfferedMethod = z.object({
  method: ZCheckoutMethod,
  /** Who takes it (`cash`: the pickup agent at handover). */
  provider: z.string(),
  /** True: the trader approves a prompt on their handset (EcoCash/OneMoney express checkout). */
  express: z.boolean(),
});
export type TOfferedMethod = z.infer<typeof ZOfferedMethod>;

/**
 * The methods a trader may choose for a share in this currency, in the order to show them.
 * `cash` is offered when its deposit rule can be met: no deposit, or a mobile-money wallet to
 * pay the deposit by (`depositMethods`).
 */
export const ZPaymentMethods = z.object({
  currency: ZCurrency,
  methods: z.array(ZOfferedMethod),
  cash: z
    .object({
      rule: ZCashDepositRule,
      depositMethods: z.array(z.enum(MOBILE_MONEY_METHODS)),
    })
    .nullable(),
});
export type TPaymentMethods = z.infer<typeof ZPaymentMethods>;
