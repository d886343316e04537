import { type DbOrTx, participations, payments, webhookEvents } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { settleCashCommitment } from "./cash-hold.ts";
import { accounts, type JournalEntryInput, post } from "./ledger.ts";
import type { ProviderTransaction } from "./providers/types.ts";
import { createRefund } from "./refunds.ts";
import { secureShare } from "./secure-share.ts";

export type ApplyOutcome =
  | "credited"
  | "late_refunded"
  | "failed"
  | "already_applied"
  | "still_pending"
  | "ignored";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when a provider's reference for our payment can be one of our payment ids. */
export function isPaymentId(reference: string | undefined): reference is string {
  return reference !== undefined && UUID.test(reference);
}

/**
 * Applies what the provider says about a transaction (never what a webhook claims: callers pass
 * the provider's own answer). One transaction: the payment, the participation, the group's
 * quantities, the ledger and the outbox events. Applying the same outcome again changes nothing.
 * The payment is found by our reference (the provider echoes it), so a payment whose provider
 * reference was never stored (a crash after the provider answered) is still found.
 */
export async function applyProviderTransaction(
  ctx: AppContext,
  providerName: string,
  verified: ProviderTransaction,
  eventKey?: string,
): Promise<ApplyOutcome> {
  return ctx.db.transaction(async (tx) => {
    const [payment] = isPaymentId(verified.merchantReference)
      ? await tx
          .select()
          .from(payments)
          .where(
            and(eq(payments.id, verified.merchantReference), eq(payments.provider, providerName)),
          )
          .for("update")
      : [];
    if (!payment) {
      throw new AppError("unknown_reference", "No payment with this provider reference");
    }
    const outcome = await applyToLockedPayment(tx, payment, verified);
    if (eventKey) {
      await recordWebhookEvent(tx, providerName, eventKey, outcome, {
        providerRef: verified.providerRef,
        status: verified.status,
      });
    }
    return outcome;
  });
}

/** Why the provider's answer cannot be applied to this payment, or null when it can. */
export function mismatchOf(
  payment: typeof payments.$inferSelect,
  verified: ProviderTransaction,
): AppError | null {
  if (payment.providerRef !== null && payment.providerRef !== verified.providerRef) {
    return new AppError("webhook_mismatch", "The provider's reference differs from the payment's");
  }
  if (
    verified.status !== "pending" &&
    (payment.amount !== verified.amount || payment.currency !== verified.currency)
  ) {
    return new AppError(
      "webhook_mismatch",
      "Amount, currency or reference differ from the payment",
    );
  }
  return null;
}

/**
 * Applies the provider's answer to a payment the caller has locked (`for update`) in `tx`:
 * stores the provider's reference and receipt, then captures, fails or refunds as it says.
 */
export async function applyToLockedPayment(
  tx: DbOrTx,
  payment: typeof payments.$inferSelect,
  verified: ProviderTransaction,
): Promise<ApplyOutcome> {
  const mismatch = mismatchOf(payment, verified);
  if (mismatch) {
    throw mismatch;
  }
  if (verified.status === "pending") {
    return "still_pending";
  }
  if (payment.providerRef === null || (verified.receipt && !payment.providerReceipt)) {
    await tx
      .update(payments)
      .set({ providerRef: verified.providerRef, providerReceipt: verified.receipt ?? null })
      .where(eq(payments.id, payment.id));
  }
  return applyLocked(tx, payment, verified);
}

/** Keeps a verified webhook once per event key (its audit trail). */
export async function recordWebhookEvent(
  tx: DbOrTx,
  provider: string,
  eventKey: string,
  outcome: string,
  payload: unknown,
): Promise<void> {
  await tx
    .insert(webhookEvents)
    .values({ id: newId(), provider, eventKey, signatureValid: true, outcome, payload })
    .onConflictDoNothing();
}

/** The journal entry of a captured payment: the provider holds it, the group's escrow owes it. */
export function captureEntry(payment: typeof payments.$inferSelect): JournalEntryInput {
  return {
    kind: "payment_captured",
    referenceType: "payment",
    referenceId: payment.id,
    currency: payment.currency,
    lines: [
      { account: accounts.provider(payment.provider), amount: payment.amount },
      { account: accounts.escrow(payment.groupId), amount: -payment.amount },
    ],
  };
}

async function applyLocked(
  tx: DbOrTx,
  payment: typeof payments.$inferSelect,
  verified: ProviderTransaction,
): Promise<ApplyOutcome> {
  if (payment.status === "succeeded") {
    return "already_applied";
  }
  if (verified.status !== "paid") {
    if (payment.status !== "pending") {
      return "already_applied";
    }
    await tx
      .update(payments)
      .set({
        status: "failed",
        failureReason: verified.failureReason ?? verified.status,
        method: verified.method ?? payment.method,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, payment.id));
    await enqueue(tx, "realtime.user", {
      userId: payment.traderId,
      kind: "payment",
      id: payment.id,
    });
    await enqueue(tx, "notify", { kind: "payment_failed", subjectId: payment.id });
    return "failed";
  }

  // Money was taken: from here on it is captured into the group's escrow, whatever else happens.
  await tx
    .update(payments)
    .set({
      status: "succeeded",
      succeededAt: sql`now()`,
      method: verified.method ?? payment.method,
      updatedAt: sql`now()`,
    })
    .where(eq(payments.id, payment.id));
  await post(tx, captureEntry(payment));
  await enqueue(tx, "realtime.user", { userId: payment.traderId, kind: "payment", id: payment.id });
  await enqueue(tx, "notify", { kind: "payment_confirmed", subjectId: payment.id });

  const [share] = await tx
    .select()
    .from(participations)
    .where(eq(participations.id, payment.participationId))
    .for("update");
  if (!share) {
    throw new Error(`payment ${payment.id} has no participation`);
  }
  await tx
    .update(participations)
    .set({
      amountPaid: sql`${participations.amountPaid} + ${payment.amount}`,
      updatedAt: sql`now()`,
    })
    .where(eq(participations.id, share.id));
  const group = await secureShare(tx, share, payment.unitPrice);
  if (!group) {
    // The share is gone (left, cancelled, or lapsed with no room left): give the money back.
    await createRefund(tx, {
      paymentId: payment.id,
      participationId: share.id,
      traderId: share.traderId,
      groupId: share.groupId,
      amount: payment.amount,
      currency: payment.currency,
      reason: "late_payment",
    });
    if (share.status === "lapsed") {
      await tx
        .update(participations)
        .set({ status: "refunded" })
        .where(eq(participations.id, share.id));
    }
    return "late_refunded";
  }
  await settleCashCommitment(tx, payment);
  return "credited";
}
