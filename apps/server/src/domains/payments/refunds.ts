import type { TCurrency } from "@cs/contracts";
import { type DbOrTx, participations, payments, queryRows, refunds } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { UpstreamUnavailableError } from "../../platform/http-client.ts";
import { newId } from "../../platform/ids.ts";
import { backoffSeconds, enqueue } from "../../platform/outbox.ts";
import { accounts, post } from "./ledger.ts";
import { RefundUnsupportedError } from "./providers/errors.ts";

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
  /** The status before this claim: `pending` after an attempt means that attempt never ended. */
  status: "pending" | "failed";
  trader_id: string;
  provider: string;
  provider_ref: string | null;
  group_id: string;
};

/** What happened to one refund attempt, and so its next state. */
type Outcome =
  | { sent: true; refundRef: string }
  | { sent: false; manual: boolean; message: string };

async function attempt(ctx: AppContext, refund: DueRefund): Promise<Outcome> {
  const provider = ctx.payments.providers[refund.provider];
  if (!provider || !refund.provider_ref) {
    return { sent: false, manual: true, message: `no way to refund through ${refund.provider}` };
  }
  const repeatable = provider.idempotentRefunds !== false;
  if (!repeatable && refund.status === "pending" && refund.attempts > 1) {
    // The last attempt stopped mid-call (a crash): it may have paid. A person checks first.
    return {
      sent: false,
      manual: true,
      message: `an earlier attempt was interrupted: check ${refund.provider} before sending again`,
    };
  }
  try {
    const { refundRef } = await provider.refund({
      providerRef: refund.provider_ref,
      amount: Number(refund.amount),
      idempotencyKey: refund.id,
    });
    return { sent: true, refundRef };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RefundUnsupportedError) {
      return { sent: false, manual: true, message };
    }
    if (error instanceof UpstreamUnavailableError && error.ambiguous && !repeatable) {
      return {
        sent: false,
        manual: true,
        message: `${message}; the refund may have gone through: check ${refund.provider}`,
      };
    }
    return { sent: false, manual: refund.attempts >= REFUND_MAX_ATTEMPTS, message };
  }
}

/**
 * Sends due refunds through the provider each payment came from. Claimed with a lease
 * (`FOR UPDATE SKIP LOCKED`), so two workers never send the same refund. Failures retry with
 * backoff; a refund goes to the admins' queue (`manual`) after six failures, at once when the
 * provider has no refund API (Paynow), and when a provider without idempotency keys
 * (Flutterwave) may have acted on a call that did not answer: sending it again could pay twice.
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
        returning r.id, r.amount::int as amount, r.currency, r.attempts, r.status, r.trader_id,
          p.provider, p.provider_ref, p.group_id`,
  );
  for (const refund of due) {
    const outcome = await attempt(ctx, refund);
    if (outcome.sent) {
      await ctx.db.transaction(async (tx) => {
        await tx
          .update(refunds)
          .set({
            status: "sent",
            providerRef: outcome.refundRef,
            lastError: null,
            updatedAt: sql`now()`,
          })
          .where(eq(refunds.id, refund.id));
        await postRefundSent(tx, refund);
      });
      continue;
    }
    log?.warn(
      { refundId: refund.id, err: outcome.message, manual: outcome.manual },
      "refund failed",
    );
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(refunds)
        .set({
          status: outcome.manual ? "manual" : "failed",
          lastError: outcome.message.slice(0, 1000),
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(refund.attempts) * 15})`,
          updatedAt: sql`now()`,
        })
        .where(eq(refunds.id, refund.id));
      await enqueue(tx, "realtime.user", {
        userId: refund.trader_id,
        kind: "refund",
        id: refund.id,
      });
    });
  }
  return due.length;
}

/** The money left: refunds payable goes back up, the account it came from goes down. */
export async function postRefundSent(
  tx: DbOrTx,
  refund: { id: string; amount: number; currency: TCurrency; provider: string; trader_id: string },
): Promise<void> {
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
  await enqueue(tx, "realtime.user", { userId: refund.trader_id, kind: "refund", id: refund.id });
}
