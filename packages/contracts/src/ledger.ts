import { z } from "zod";
import { ZCurrency } from "./common.ts";

export const ZTrialBalanceQuery = z.strictObject({
  /** Also list the accounts of this group (its escrow, its cash owed at pickup). */
  groupId: z.uuid().optional(),
});

const ZBalanceLine = z.object({
  currency: ZCurrency,
  /** Signed minor units: held money is positive, what the platform owes is negative. */
  balance: z.number().int(),
});

/**
 * The ledger checked as an accountant would: per currency the debits and credits of every line
 * (they must be equal), the entries that do not balance (there must be none), and balances by
 * kind of account (`escrow`, `provider`, `supplier_payable`, …).
 */
export const ZTrialBalance = z.object({
  currencies: z.array(
    z.object({
      currency: ZCurrency,
      debits: z.number().int(),
      credits: z.number().int(),
      net: z.number().int(),
    }),
  ),
  unbalancedEntries: z.number().int(),
  byKind: z.array(ZBalanceLine.extend({ kind: z.string(), accounts: z.number().int() })),
  accounts: z.array(ZBalanceLine.extend({ account: z.string() })),
});
export type TTrialBalance = z.infer<typeof ZTrialBalance>;
