import { type TCashDepositRule, ZCashDepositRule } from "@cs/contracts";
import { cashCommitments, type DbOrTx, participations, paymentSettings, payments } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { enqueue } from "../../platform/outbox.ts";
import type { CheckoutEntry, OpenedPayment, PaymentRow } from "./checkout.ts";
import { providerFor } from "./providers/registry.ts";
import { secureShare } from "./secure-share.ts";

export const CASH_RULE_KEY = "cash_deposit_rule";
/** Until an admin says otherwise, a cash share is held by a 10% mobile-money deposit. */
export const DEFAULT_CASH_RULE: TCashDepositRule = { mode: "deposit", percentBps: 1000 };

/** The deposit rule in force, with who set it and when (null: the default). */
export async function cashDepositRule(db: DbOrTx): Promise<{
  rule: TCashDepositRule;
  updatedAt: Date | null;
  updatedBy: string | null;
}> {
  const [row] = await db
    .select()
    .from(paymentSettings)
    .where(eq(paymentSettings.key, CASH_RULE_KEY));
  const parsed = ZCashDepositRule.safeParse(row?.value);
  return parsed.success && row
    ? { rule: parsed.data, updatedAt: row.updatedAt, updatedBy: row.updatedBy }
    : { rule: DEFAULT_CASH_RULE, updatedAt: null, updatedBy: null };
}

/** The deposit for a share: `bps` of it, rounded up to the minor unit, at least 1, at most all. */
export function depositAmount(amount: number, bps: number): number {
  return Math.min(amount, Math.max(1, Math.ceil((amount * bps) / 10_000)));
}

function isCashShare(entry: CheckoutEntry): boolean {
  const p = entry.payment;
  return p.method === "cash" && p.purpose === "share" && p.status === "pending";
}

/**
 * What holds a share the trader will pay in cash at pickup, as the rule in force says.
 * - none: the share counts as paid at once (nothing captured); the payment waits, `pending`,
 *   for the cash at pickup.
 * - deposit: the payment becomes the deposit (a part, by mobile money), and its checkout is
 *   opened like any other; the share counts as paid when the deposit is.
 * Entries that are not cash come back as they were.
 */
export async function holdCashShares(
  ctx: AppContext,
  entries: readonly CheckoutEntry[],
): Promise<Array<CheckoutEntry | OpenedPayment>> {
  if (!entries.some(isCashShare)) {
    return [...entries];
  }
  const { rule } = await cashDepositRule(ctx.db);
  const held: Array<CheckoutEntry | OpenedPayment> = [];
  for (const entry of entries) {
    if (!isCashShare(entry)) {
      held.push(entry);
    } else if (rule.mode === "none") {
      held.push(await commitWithoutDeposit(ctx, entry.payment));
    } else {
      held.push(await askForDeposit(ctx, entry, rule.percentBps));
    }
  }
  return held;
}

/** Records (or replaces, on a new attempt) what holds a cash share. */
async function holdBy(
  tx: DbOrTx,
  share: typeof participations.$inferSelect,
  hold: {
    status: "committed" | "awaiting_deposit";
    depositBps: number;
    depositPaymentId: string | null;
  },
): Promise<void> {
  await tx
    .insert(cashCommitments)
    .values({
      participationId: share.id,
      groupId: share.groupId,
      traderId: share.traderId,
      pickupPointId: share.pickupPointId,
      currency: share.currency,
      ...hold,
    })
    .onConflictDoUpdate({
      target: cashCommitments.participationId,
      set: { ...hold, updatedAt: sql`now()` },
    });
}

async function commitWithoutDeposit(ctx: AppContext, payment: PaymentRow): Promise<OpenedPayment> {
  return ctx.db.transaction(async (tx) => {
    const [share] = await tx
      .select()
      .from(participations)
      .where(eq(participations.id, payment.participationId))
      .for("update");
    const [cash] = await tx
      .update(payments)
      .set({ provider: "cash", purpose: "cash_at_pickup", updatedAt: sql`now()` })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")))
      .returning();
    if (!share || !cash || share.status !== "reserved") {
      return cash ?? payment;
    }
    if (!(await secureShare(tx, share, cash.unitPrice))) {
      return cash;
    }
    await holdBy(tx, share, { status: "committed", depositBps: 0, depositPaymentId: null });
    await enqueue(tx, "realtime.user", {
      userId: share.traderId,
      kind: "participation",
      id: share.id,
    });
    return cash;
  });
}

async function askForDeposit(
  ctx: AppContext,
  entry: CheckoutEntry,
  bps: number,
): Promise<CheckoutEntry | OpenedPayment> {
  const { payment } = entry;
  // The network of the number decides the wallet, unless the trader said: 071 is NetOne.
  const method =
    entry.depositMethod ?? (payment.phone?.startsWith("+26371") ? "onemoney" : "ecocash");
  return ctx.db.transaction(async (tx) => {
    const [deposit] = await tx
      .update(payments)
      .set({
        purpose: "cash_deposit",
        method,
        provider: providerFor(ctx.payments, method),
        amount: depositAmount(payment.amount, bps),
        updatedAt: sql`now()`,
      })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")))
      .returning();
    if (!deposit) {
      return payment;
    }
    const [share] = await tx
      .select()
      .from(participations)
      .where(eq(participations.id, payment.participationId));
    if (share) {
      await holdBy(tx, share, {
        status: "awaiting_deposit",
        depositBps: bps,
        depositPaymentId: deposit.id,
      });
    }
    return { ...entry, payment: deposit };
  });
}

/**
 * After a payment of a share was captured: a deposit commits the cash share; a payment in full
 * (the trader changed their mind and paid by other means) ends the cash arrangement.
 */
export async function settleCashCommitment(tx: DbOrTx, payment: PaymentRow): Promise<void> {
  if (payment.purpose === "cash_deposit") {
    await tx
      .update(cashCommitments)
      .set({ status: "committed", updatedAt: sql`now()` })
      .where(
        and(
          eq(cashCommitments.participationId, payment.participationId),
          eq(cashCommitments.depositPaymentId, payment.id),
        ),
      );
  } else if (payment.purpose === "share") {
    await tx
      .update(cashCommitments)
      .set({ status: "cancelled", updatedAt: sql`now()` })
      .where(
        and(
          eq(cashCommitments.participationId, payment.participationId),
          eq(cashCommitments.status, "awaiting_deposit"),
        ),
      );
  }
}
