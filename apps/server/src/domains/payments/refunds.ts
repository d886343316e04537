import type { TCurrency } from "@cs/contracts";
import { type DbOrTx, participations, payments, queryRows, refunds } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { backoffSeconds, enqueue } from "../../platform/outbox.ts";
import { accounts, post } from "./ledger.ts";

export const REFUND_MAX_ATTEMPTS = 6;
type RefundReason = (typeof refunds.$inferSelect)["reason"];

/**
 * Owes money back to a trader, in the caller's transaction: the refund row, the participation's
 * refunded amount, and the ledger move from the group's escrow to refunds payable. The provider
 * is called later by the refund sweep, never inside a transaction.
 */
export async function createRefund(
  tx: DbOrTx,
  input: {
    paymentId: string;
    participationId: string;
    traderId: string;
    groupId: string;
    amount: number;
    currency: TCurrency;
    reason: RefundReason;
  },
): Promise<string> {
  const id = newId();
  await tx.insert(refunds).values({
    id,
    paymentId: input.paymentId,
    participationId: input.participationId,
    traderId: input.traderId,
    amount: input.amount,
    currency: input.currency,
    reason: input.reason,
    status: "pending",
  });
  await tx
    .update(participations)
    .set({
      amountRefunded: sql`${participations.amountRefunded} + ${input.amount}`,
      updatedAt: sql`now()`,
    })
    .where(eq(participations.id, input.participationId));
  await post(tx, {
    kind: "refund_created",
    referenceType: "refund",
    referenceId: id,
    currency: input.currency,
    lines: [
      { account: accounts.escrow(input.groupId), amount: input.amount },
      { account: accounts.refundsPayable, amount: -input.amount },
    ],
  });
  await enqueue(tx, "realtime.user", { userId: input.traderId, kind: "refund", id });
  return id;
}

/** The succeeded payment of a participation: refunds go back through it. */
export async function capturedPaymentOf(
  tx: DbOrTx,
  participationId: string,
): Promise<{ id: string } | undefined> {
  const [row] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(
      sql`${payments.participationId} = ${participationId} and ${payments.status} = 'succeeded'`,
    )
    .orderBy(sql`${payments.succeededAt} desc`)
    .limit(1);
  return row;
}

type DueRefund = {
  id: string;
  amount: number;
  currency: TCurrency;
  attempts: number;
  trader_id: string;
  provider: string;
  provider_ref: string | null;
  group_id: string;
};

/**
 * Sends due refunds through the provider each payment came from. Claimed with a lease
 * (`FOR UPDATE SKIP LOCKED`), so two workers never send the same refund; the provider call
 * carries the refund id as idempotency key, so a crash after sending cannot pay twice. Failures
 * retry with backoff; after six the refund waits for an admin (`manual`).
 */
export async function processDueRefunds(
  ctx: AppContext,
  log?: Logger,
  limit = 20,
): Promise<number> {
  const due = await queryRows<DueRefund>(
    ctx.db,
    sql`update refunds r set attempts = r.attempts + 1, next_attempt_at = now() + interval '5 minutes', updated_at = now()
        from payments p
        where r.payment_id = p.id and r.id in (
          select id from refunds where status in ('pending', 'failed') and next_attempt_at <= now()
          order by next_attempt_at limit ${limit} for update skip locked)
        returning r.id, r.amount::int as amount, r.currency, r.attempts, r.trader_id, p.provider, p.provider_ref, p.group_id`,
  );
  for (const refund of due) {
    try {
      const provider = ctx.payments.providers[refund.provider];
      if (!provider || !refund.provider_ref) {
        throw new Error(`cannot refund through ${refund.provider}: no provider or reference`);
      }
      const { refundRef } = await provider.refund({
        providerRef: refund.provider_ref,
        amount: Number(refund.amount),
        idempotencyKey: refund.id,
      });
      await ctx.db.transaction(async (tx) => {
        await tx
          .update(refunds)
          .set({ status: "sent", providerRef: refundRef, lastError: null, updatedAt: sql`now()` })
          .where(eq(refunds.id, refund.id));
        await post(tx, {
          kind: "refund_sent",
          referenceType: "refund",
          referenceId: refund.id,
          currency: refund.currency,
          lines: [
            { account: accounts.refundsPayable, amount: Number(refund.amount) },
            { account: accounts.provider(refund.provider), amount: -Number(refund.amount) },
          ],
        });
        await enqueue(tx, "realtime.user", {
          userId: refund.trader_id,
          kind: "refund",
          id: refund.id,
        });
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const manual = refund.attempts >= REFUND_MAX_ATTEMPTS;
      log?.warn({ refundId: refund.id, err: message, manual }, "refund failed");
      await ctx.db
        .update(refunds)
        .set({
          status: manual ? "manual" : "failed",
          lastError: message.slice(0, 1000),
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(refund.attempts) * 15})`,
          updatedAt: sql`now()`,
        })
        .where(eq(refunds.id, refund.id));
    }
  }
  return due.length;
}
