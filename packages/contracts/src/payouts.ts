import { z } from "zod";
import { ZCurrency } from "./common.ts";

/** Flutterwave's bank code for a mobile-money wallet. */
export const MOBILE_MONEY_BANK_CODE = "MPS";

export const PAYOUT_STATUSES = ["pending", "sent", "paid", "failed"] as const;
export const ZPayoutStatus = z.enum(PAYOUT_STATUSES);
export type TPayoutStatus = z.infer<typeof ZPayoutStatus>;
export const PAYOUT_METHODS = ["flutterwave", "file"] as const;
export const ZPayoutMethod = z.enum(PAYOUT_METHODS);

const accountNumber = z
  .string()
  .trim()
  .regex(/^[0-9]{6,20}$/, "digits only, 6 to 20 of them");

/** Where a supplier is paid in one currency: a bank account or a mobile-money wallet. */
export const ZPayoutDestinationInput = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("bank"),
    bankCode: z
      .string()
      .trim()
      .regex(/^[A-Z0-9]{2,12}$/, "the bank's code, e.g. its SWIFT or sort code"),
    bankName: z.string().trim().min(2).max(80),
    accountNumber,
    accountName: z.string().trim().min(2).max(120),
  }),
  z.strictObject({
    kind: z.literal("mobile_money"),
    /** The wallet's network, e.g. EcoCash or OneMoney. */
    bankName: z.string().trim().min(2).max(80),
    accountNumber,
    accountName: z.string().trim().min(2).max(120),
  }),
]);
export type TPayoutDestinationInput = z.infer<typeof ZPayoutDestinationInput>;

export const ZPayoutDestination = z.object({
  currency: ZCurrency,
  kind: z.enum(["bank", "mobile_money"]),
  bankCode: z.string(),
  bankName: z.string(),
  accountNumber: z.string(),
  accountName: z.string(),
  updatedAt: z.string().nullable(),
});
export type TPayoutDestination = z.infer<typeof ZPayoutDestination>;
export const ZPayoutDestinationList = z.object({ items: z.array(ZPayoutDestination) });

export const ZPayout = z.object({
  id: z.string(),
  supplierId: z.string(),
  supplierName: z.string(),
  currency: ZCurrency,
  amount: z.number().int(),
  method: ZPayoutMethod,
  status: ZPayoutStatus,
  destination: ZPayoutDestination.omit({ currency: true, updatedAt: true }),
  /** Flutterwave's transfer id, or the bank's reference an admin entered. */
  providerRef: z.string().nullable(),
  /** Why it failed, or what an admin must check. */
  lastError: z.string().nullable(),
  /** True when a person must confirm it (a file payout, or a transfer whose answer was lost). */
  needsConfirmation: z.boolean(),
  exportId: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  paidAt: z.string().nullable(),
});
export type TPayout = z.infer<typeof ZPayout>;
export const ZPayoutList = z.object({ items: z.array(ZPayout), nextCursor: z.string().nullable() });

export const ZPayoutQuery = z.strictObject({
  status: ZPayoutStatus.optional(),
  supplierId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** A supplier's money per currency: what may be paid out now, in payouts, and paid. */
export const ZPayoutBalance = z.object({
  supplierId: z.string(),
  supplierName: z.string(),
  currency: ZCurrency,
  /** Released by completed groups and not yet in a payout (the ledger's releasable balance). */
  available: z.number().int(),
  /** In payouts not yet confirmed (pending or sent). */
  inPayout: z.number().int(),
  paidOut: z.number().int(),
  hasDestination: z.boolean(),
});
export type TPayoutBalance = z.infer<typeof ZPayoutBalance>;
export const ZPayoutBalanceList = z.object({
  items: z.array(ZPayoutBalance),
  /** How payouts can go out here: `flutterwave` only when it is configured. */
  methods: z.array(ZPayoutMethod),
});

export const ZCreatePayout = z.strictObject({
  supplierId: z.uuid(),
  currency: ZCurrency,
  method: ZPayoutMethod,
  /** Minor units; the whole available balance when left out. */
  amount: z.number().int().positive().optional(),
});

export type TCreatePayout = z.infer<typeof ZCreatePayout>;

export const ZResolvePayout = z.discriminatedUnion("outcome", [
  z.strictObject({
    outcome: z.literal("paid"),
    /** The bank's or the wallet's reference for the transfer. */
    reference: z.string().trim().min(3).max(200),
  }),
  z.strictObject({
    outcome: z.literal("failed"),
    reason: z.string().trim().min(3).max(500),
  }),
]);

export type TResolvePayout = z.infer<typeof ZResolvePayout>;

export const ZPayoutExportQuery = z.strictObject({ currency: ZCurrency });

/** A supplier's payouts page: its payouts, newest first, and its balances per currency. */
export const ZSupplierPayouts = ZPayoutList.extend({ balances: z.array(ZPayoutBalance) });
