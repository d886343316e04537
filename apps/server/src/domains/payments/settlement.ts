import type { TCurrency } from "@cs/contracts";
import type { DbOrTx } from "@cs/db";
import { newId } from "../../platform/ids.ts";
import { accounts, commission, post } from "./ledger.ts";
import { capturedPaymentOf, createRefund } from "./refunds.ts";

/**
 * Money after a group is funded. Funding moved the escrow to the supplier's payable less the
 * commission; these entries undo that (a cancelled order, units not delivered or not collected)
 * or release the payable once the group is completed. Each is balanced and posted in the
 * caller's transaction.
 */

interface GroupMoney {
  id: string;
  supplierId: string;
  currency: TCurrency;
}

/**
 * The supplier will not supply (order rejected or unanswered): the payable and the commission go
 * back to the group's escrow, from where every trader is refunded in full.
 */
export async function reverseFunding(
  tx: DbOrTx,
  group: GroupMoney,
  amounts: { gross: number; commission: number },
): Promise<void> {
  await post(tx, {
    kind: "funding_reversed",
    referenceType: "group",
    referenceId: group.id,
    currency: group.currency,
    lines: [
      {
        account: accounts.supplierPayable(group.supplierId),
        amount: amounts.gross - amounts.commission,
      },
      { account: accounts.revenue, amount: amounts.commission },
      { account: accounts.escrow(group.id), amount: -amounts.gross },
    ],
  });
}

/**
 * Gives a trader back the value of units they will not get (short delivery, uncollected): the
 * supplier's payable and the commission on those units are reversed, `costBps` of their value is
 * kept as platform revenue for handling, and the rest is refunded through the provider the
 * payment came from. Returns the value taken off the order (gross and commission).
 */
export async function refundUndeliveredUnits(
  tx: DbOrTx,
  input: {
    group: GroupMoney;
    share: { id: string; traderId: string };
    value: number;
    costBps: number;
    commissionBps: number;
    reason: "short_delivery" | "uncollected";
  },
): Promise<{ gross: number; commission: number; refunded: number }> {
  const { group, share, value } = input;
  const fee = commission(value, input.commissionBps);
  const cost = Math.floor((value * input.costBps) / 10_000);
  const refunded = value - cost;
  let reference = newId();
  if (refunded > 0) {
    const captured = await capturedPaymentOf(tx, share.id);
    if (!captured) {
      throw new Error(`participation ${share.id} has no captured payment to refund through`);
    }
    reference = await createRefund(tx, {
      paymentId: captured.id,
      participationId: share.id,
      traderId: share.traderId,
      groupId: group.id,
      amount: refunded,
      currency: group.currency,
      reason: input.reason,
    });
  }
  await post(tx, {
    kind: "units_reversed",
    referenceType: "refund",
    referenceId: reference,
    currency: group.currency,
    memo: `${input.reason} on participation ${share.id}`,
    lines: [
      { account: accounts.supplierPayable(group.supplierId), amount: value - fee },
      { account: accounts.revenue, amount: fee - cost },
      { account: accounts.escrow(group.id), amount: -refunded },
    ],
  });
  return { gross: value, commission: fee, refunded };
}

/** A completed group: what the supplier is owed for it may now be paid out. */
export async function releasePayable(tx: DbOrTx, group: GroupMoney, net: number): Promise<boolean> {
  return post(tx, {
    kind: "payable_released",
    referenceType: "group",
    referenceId: group.id,
    currency: group.currency,
    lines: [
      { account: accounts.supplierPayable(group.supplierId), amount: net },
      { account: accounts.supplierReleasable(group.supplierId), amount: -net },
    ],
  });
}
