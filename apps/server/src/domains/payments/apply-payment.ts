import { type DbOrTx, groups, participations, payments, webhookEvents } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { priceForQuantity } from "../groups/tiers.ts";
import { accounts, post } from "./ledger.ts";
import type { ProviderTransaction } from "./providers/types.ts";
import { createRefund } from "./refunds.ts";

export type ApplyOutcome =
  | "credited"
  | "late_refunded"
  | "failed"
  | "already_applied"
  | "still_pending";

/**
 * Applies what the provider says about a transaction (never what a webhook claims: callers pass
 * the provider's own answer). One transaction: the payment, the participation, the group's
 * quantities, the ledger and the outbox events. Applying the same outcome again changes nothing.
 */
export async function applyProviderTransaction(
  ctx: AppContext,
  providerName: string,
  verified: ProviderTransaction,
  eventKey?: string,
): Promise<ApplyOutcome> {
  return ctx.db.transaction(async (tx) => {
    const [payment] = await tx
      .select()
      .from(payments)
      .where(
        and(eq(payments.provider, providerName), eq(payments.providerRef, verified.providerRef)),
      )
      .for("update");
    if (!payment) {
      throw new AppError("unknown_reference", "No payment with this provider reference");
    }
    if (
      payment.id !== verified.merchantReference ||
      payment.amount !== verified.amount ||
      payment.currency !== verified.currency
    ) {
      throw new AppError(
        "webhook_mismatch",
        "Amount, currency or reference differ from the payment",
      );
    }
    const outcome = await applyLocked(tx, payment, verified);
    if (eventKey) {
      await tx
        .insert(webhookEvents)
        .values({
          id: newId(),
          provider: providerName,
          eventKey,
          signatureValid: true,
          outcome,
          payload: { providerRef: verified.providerRef, status: verified.status },
        })
        .onConflictDoNothing();
    }
    return outcome;
  });
}

async function applyLocked(
  tx: DbOrTx,
  payment: typeof payments.$inferSelect,
  verified: ProviderTransaction,
): Promise<ApplyOutcome> {
  if (payment.status === "succeeded" || verified.status === "pending") {
    return payment.status === "succeeded" ? "already_applied" : "still_pending";
  }
  if (verified.status !== "paid") {
    if (payment.status !== "pending") {
      return "already_applied";
    }
    await tx
      .update(payments)
      .set({
        status: "failed",
        failureReason: verified.status,
        method: verified.method ?? payment.method,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, payment.id));
    await enqueue(tx, "realtime.user", {
      userId: payment.traderId,
      kind: "payment",
      id: payment.id,
    });
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
  await post(tx, {
    kind: "payment_captured",
    referenceType: "payment",
    referenceId: payment.id,
    currency: payment.currency,
    lines: [
      { account: accounts.provider(payment.provider), amount: payment.amount },
      { account: accounts.escrow(payment.groupId), amount: -payment.amount },
    ],
  });
  await enqueue(tx, "realtime.user", { userId: payment.traderId, kind: "payment", id: payment.id });

  const [share] = await tx
    .select()
    .from(participations)
    .where(eq(participations.id, payment.participationId))
    .for("update");
  if (!share) {
    throw new Error(`payment ${payment.id} has no participation`);
  }
  const q = share.quantity;
  // A reservation moves its held quantity to paid; a lapsed one must fit under the cap again.
  const [group] =
    share.status === "reserved"
      ? await tx
          .update(groups)
          .set({
            heldQty: sql`${groups.heldQty} - ${q}`,
            paidQty: sql`${groups.paidQty} + ${q}`,
            paidParticipants: sql`${groups.paidParticipants} + 1`,
            updatedAt: sql`now()`,
          })
          .where(and(eq(groups.id, share.groupId), eq(groups.status, "open")))
          .returning()
      : share.status === "lapsed"
        ? await tx
            .update(groups)
            .set({
              paidQty: sql`${groups.paidQty} + ${q}`,
              paidParticipants: sql`${groups.paidParticipants} + 1`,
              updatedAt: sql`now()`,
            })
            .where(
              and(
                eq(groups.id, share.groupId),
                eq(groups.status, "open"),
                sql`${groups.deadline} > now()`,
                sql`(${groups.cap} is null or ${groups.heldQty} + ${groups.paidQty} + ${q} <= ${groups.cap})`,
              ),
            )
            .returning()
        : [];
  await tx
    .update(participations)
    .set({
      amountPaid: sql`${participations.amountPaid} + ${payment.amount}`,
      updatedAt: sql`now()`,
    })
    .where(eq(participations.id, share.id));
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
  await tx
    .update(participations)
    .set({ status: "paid", unitPricePaid: payment.unitPrice, paidAt: sql`now()` })
    .where(eq(participations.id, share.id));
  await tx
    .update(groups)
    .set({ currentUnitPrice: priceForQuantity(group.tiers, group.paidQty) })
    .where(eq(groups.id, group.id));
  await enqueue(tx, "realtime.group", { groupId: group.id });
  return "credited";
}

/**
 * The webhook endpoint's work: check the signature, ask the provider what really happened,
 * apply that. A bad signature is recorded and refused; a duplicate is applied as a no-op.
 */
export async function handleWebhook(
  ctx: AppContext,
  providerName: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<ApplyOutcome> {
  const provider = ctx.payments.providers[providerName];
  if (!provider) {
    throw new AppError("not_found", "No such payment provider");
  }
  let event: ReturnType<typeof provider.parseWebhook>;
  try {
    event = provider.parseWebhook(headers, rawBody);
  } catch (error) {
    await ctx.db.insert(webhookEvents).values({
      id: newId(),
      provider: providerName,
      eventKey: `rejected:${newId()}`,
      signatureValid: false,
      outcome: error instanceof AppError ? error.code : "unparseable",
      payload: { body: rawBody.slice(0, 4000) },
    });
    throw error;
  }
  const verified = await provider.verify(event.providerRef);
  return applyProviderTransaction(ctx, providerName, verified, event.eventKey);
}

/**
 * For webhooks that never came: asks the provider about pending payments older than a minute
 * and applies the answer. Run by the worker.
 */
export async function pollPendingPayments(ctx: AppContext, limit = 20): Promise<number> {
  const pending = await ctx.db
    .select({ provider: payments.provider, providerRef: payments.providerRef })
    .from(payments)
    .where(
      sql`${payments.status} = 'pending' and ${payments.providerRef} is not null and ${payments.updatedAt} < now() - interval '1 minute'`,
    )
    .orderBy(payments.updatedAt)
    .limit(limit);
  for (const row of pending) {
    const provider = ctx.payments.providers[row.provider];
    if (!provider || !row.providerRef) {
      continue;
    }
    const verified = await provider.verify(row.providerRef);
    if (verified.status === "pending") {
      await ctx.db
        .update(payments)
        .set({ updatedAt: sql`now()` })
        .where(eq(payments.providerRef, row.providerRef));
    } else {
      await applyProviderTransaction(ctx, row.provider, verified);
    }
  }
  return pending.length;
}
