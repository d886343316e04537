import { participations, payments } from "@cs/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { UpstreamUnavailableError } from "../../platform/http-client.ts";
import { enqueue } from "../../platform/outbox.ts";
import { type ApplyOutcome, applyProviderTransaction } from "./apply-payment.ts";
import type { PaymentRow } from "./checkout.ts";

/**
 * Asks the provider about one pending payment and applies the answer. A payment the provider
 * still calls pending after PAYMENT_TIMEOUT_MINUTES has timed out (the trader never approved
 * the prompt); if the money comes in later after all, the late payment is still applied.
 */
async function pollOne(
  ctx: AppContext,
  payment: Pick<
    PaymentRow,
    "id" | "provider" | "providerRef" | "currency" | "createdAt" | "traderId"
  >,
): Promise<ApplyOutcome | "timed_out"> {
  const provider = ctx.payments.providers[payment.provider];
  if (!provider) {
    return "still_pending";
  }
  // No reference stored: the checkout's answer was lost (a crash, a timeout). Ask by ours.
  const ref =
    payment.providerRef ?? (await provider.findByReference?.(payment.id, payment.currency)) ?? null;
  if (ref && !payment.providerRef) {
    await ctx.db
      .update(payments)
      .set({ providerRef: ref })
      .where(and(eq(payments.id, payment.id), isNull(payments.providerRef)));
  }
  const verified = ref ? await provider.verify(ref, { currency: payment.currency }) : null;
  if (verified && verified.status !== "pending") {
    return applyProviderTransaction(ctx, payment.provider, verified);
  }
  const timedOut =
    Date.now() - payment.createdAt.getTime() > ctx.config.payments.timeoutMinutes * 60_000;
  await ctx.db.transaction(async (tx) => {
    const [expired] = await tx
      .update(payments)
      .set(
        timedOut
          ? { status: "expired", failureReason: "timed_out", updatedAt: sql`now()` }
          : { updatedAt: sql`now()` },
      )
      .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")))
      .returning({ status: payments.status });
    if (expired?.status === "expired") {
      await enqueue(tx, "realtime.user", {
        userId: payment.traderId,
        kind: "payment",
        id: payment.id,
      });
    }
  });
  return timedOut ? "timed_out" : "still_pending";
}

/**
 * For callbacks that never came: asks the providers about pending payments not heard of for a
 * minute and applies their answers (a payment whose checkout answer was lost is looked up by
 * our reference: the crash between the provider's confirmation and our books). One payment failing (a provider down) does not stop the
 * others; it is asked again on a later round. Also cancels payments (and cash commitments) left
 * waiting for cash at pickup whose share has ended (left, refunded, lapsed). Run by the worker.
 */
export async function pollPendingPayments(
  ctx: AppContext,
  limit = 20,
  log?: Logger,
): Promise<number> {
  await ctx.db.execute(sql`
    update payments p set status = 'cancelled', updated_at = now()
    from participations s
    where p.participation_id = s.id and p.provider = 'cash' and p.status = 'pending'
      and s.status in ('refunded', 'cancelled', 'lapsed')`);
  await ctx.db.execute(sql`
    update cash_commitments c set status = 'cancelled', updated_at = now()
    from participations s
    where c.participation_id = s.id and c.status in ('committed', 'awaiting_deposit')
      and s.status in ('refunded', 'cancelled', 'lapsed')`);
  const pending = await ctx.db
    .select()
    .from(payments)
    .where(
      sql`${payments.status} = 'pending' and ${payments.provider} <> 'cash' and ${payments.updatedAt} < now() - interval '1 minute'`,
    )
    .orderBy(payments.updatedAt)
    .limit(limit);
  for (const payment of pending) {
    try {
      await pollOne(ctx, payment);
    } catch (error) {
      log?.warn({ err: error, paymentId: payment.id }, "payment poll failed");
      await ctx.db
        .update(payments)
        .set({ updatedAt: sql`now()` })
        .where(eq(payments.id, payment.id));
    }
  }
  return pending.length;
}

/**
 * "Check again" on the trader's waiting screen: asks the provider now about one of their own
 * payments. A provider that does not answer is `provider_unavailable` (try again).
 */
export async function checkPayment(
  ctx: AppContext,
  actor: Actor,
  paymentId: string,
): Promise<{ payment: PaymentRow; expiresAt: Date }> {
  const load = async () => {
    const [row] = await ctx.db
      .select({ payment: payments, expiresAt: participations.holdExpiresAt })
      .from(payments)
      .innerJoin(participations, eq(participations.id, payments.participationId))
      .where(eq(payments.id, paymentId));
    if (!row || row.payment.traderId !== actor.id) {
      throw new AppError("not_found", "No such payment");
    }
    return row;
  };
  const before = await load();
  if (before.payment.status === "pending" && before.payment.provider !== "cash") {
    try {
      await pollOne(ctx, before.payment);
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) {
        throw new AppError("provider_unavailable", error.message);
      }
      throw error;
    }
  }
  return load();
}
