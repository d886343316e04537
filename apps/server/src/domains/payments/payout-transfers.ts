import { payouts, queryRows } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { UpstreamUnavailableError } from "../../platform/http-client.ts";
import { backoffSeconds } from "../../platform/outbox.ts";
import { recordWebhookEvent } from "./apply-payment.ts";
import { lockPayout, markPayoutFailed, markPayoutPaid } from "./payouts.ts";
import { TransferRefusedError } from "./providers/errors.ts";
import type { Transfer } from "./providers/flutterwave.ts";
import type { VerifiedWebhook } from "./providers/types.ts";

/** Failed attempts to reach Flutterwave before a payout is given up and its money released. */
export const PAYOUT_MAX_ATTEMPTS = 6;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

type PayoutRow = typeof payouts.$inferSelect;

/** The reference Flutterwave sees: the payout id, then the test-mode suffix when configured. */
export function transferReference(ctx: AppContext, payoutId: string): string {
  return `${payoutId}${ctx.config.payments.flutterwave?.transferRefSuffix ?? ""}`;
}

/** Our payout id in a transfer's reference, or null when it names none of ours. */
export function payoutIdOf(reference: string): string | null {
  return UUID.exec(reference)?.[0] ?? null;
}

/**
 * Applies what Flutterwave says about a transfer, in one transaction with the payout locked:
 * SUCCESSFUL pays it, FAILED gives the money back to the supplier's balance, anything else waits.
 * A transfer whose reference, amount or currency is not the payout's is not applied: a person
 * looks at it.
 */
async function applyTransfer(
  ctx: AppContext,
  payoutId: string,
  transfer: Transfer,
): Promise<"paid" | "failed" | "pending" | "mismatch" | "already_applied"> {
  return ctx.db.transaction(async (tx) => {
    const payout = await lockPayout(tx, payoutId);
    if (payout.status === "paid" || payout.status === "failed") {
      return "already_applied";
    }
    if (
      payoutIdOf(transfer.reference) !== payout.id ||
      transfer.amount !== payout.amount ||
      transfer.currency !== payout.currency
    ) {
      await tx
        .update(payouts)
        .set({
          status: "sent",
          providerRef: null,
          lastError: `Flutterwave transfer ${transfer.id} does not match this payout (${transfer.currency} ${transfer.amount}, ${transfer.reference}): check it by hand`,
          updatedAt: sql`now()`,
        })
        .where(eq(payouts.id, payout.id));
      return "mismatch";
    }
    if (transfer.status === "SUCCESSFUL") {
      return (await markPayoutPaid(tx, payout, transfer.id)) ? "paid" : "already_applied";
    }
    if (transfer.status === "FAILED") {
      const reason = transfer.completeMessage || "Flutterwave failed the transfer";
      return (await markPayoutFailed(tx, payout, reason)) ? "failed" : "already_applied";
    }
    await tx
      .update(payouts)
      .set({
        status: "sent",
        providerRef: transfer.id,
        sentAt: sql`coalesce(${payouts.sentAt}, now())`,
        nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(payout.attempts) * 15})`,
        updatedAt: sql`now()`,
      })
      .where(eq(payouts.id, payout.id));
    return "pending";
  });
}

type Claimed = Pick<PayoutRow, "id" | "status" | "attempts" | "providerRef" | "lastError">;

async function send(ctx: AppContext, payout: PayoutRow, log?: Logger): Promise<void> {
  const flutterwave = ctx.payments.flutterwave;
  if (!flutterwave) {
    return;
  }
  let transfer: Transfer;
  try {
    transfer = await flutterwave.transfer({
      reference: transferReference(ctx, payout.id),
      amount: payout.amount,
      currency: payout.currency,
      accountBank: payout.destination.bankCode,
      accountNumber: payout.destination.accountNumber,
      beneficiaryName: payout.destination.accountName,
      narration: `ConnectSphere payout ${payout.id.slice(0, 8)}`,
      callbackUrl: `${(ctx.config.payments.callbackBaseUrl ?? ctx.config.publicUrl ?? ctx.urls.internal).replace(/\/$/, "")}/api/v1/payments/webhooks/flutterwave`,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log?.warn({ payoutId: payout.id, err: message }, "payout transfer failed");
    await ctx.db.transaction(async (tx) => {
      const locked = await lockPayout(tx, payout.id);
      if (error instanceof UpstreamUnavailableError && error.ambiguous) {
        // Flutterwave may have queued it: sending again could pay twice. A person checks.
        await tx
          .update(payouts)
          .set({
            status: "sent",
            sentAt: sql`now()`,
            lastError: `${message}; the transfer may have been queued: check Flutterwave`,
            updatedAt: sql`now()`,
          })
          .where(eq(payouts.id, payout.id));
        return;
      }
      if (error instanceof TransferRefusedError) {
        // Flutterwave answered and said no: nothing was queued, the money goes back.
        await markPayoutFailed(tx, locked, message);
        return;
      }
      if (locked.attempts >= PAYOUT_MAX_ATTEMPTS) {
        await markPayoutFailed(tx, locked, `gave up after ${locked.attempts} attempts: ${message}`);
        return;
      }
      await tx
        .update(payouts)
        .set({
          lastError: message.slice(0, 1000),
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(locked.attempts) * 15})`,
          updatedAt: sql`now()`,
        })
        .where(eq(payouts.id, payout.id));
    });
    return;
  }
  await applyTransfer(ctx, payout.id, transfer);
}

/**
 * The payout sweep: sends pending Flutterwave payouts and asks about sent ones whose webhook has
 * not come. Claimed with a lease (`FOR UPDATE SKIP LOCKED`), so two workers never send the same
 * payout. A claimed pending payout with an earlier attempt that left no outcome was interrupted
 * mid-call (a crash): it may have been queued, so it waits for a person instead of going again.
 */
export async function processDuePayouts(
  ctx: AppContext,
  log?: Logger,
  limit = 20,
): Promise<number> {
  if (!ctx.payments.flutterwave) {
    return 0;
  }
  const due = await queryRows<Claimed & { provider_ref: string | null; last_error: string | null }>(
    ctx.db,
    sql`update payouts set attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes',
          updated_at = now()
        where id in (
          select id from payouts
          where method = 'flutterwave' and next_attempt_at <= now()
            and (status = 'pending' or (status = 'sent' and provider_ref is not null))
          order by next_attempt_at limit ${limit} for update skip locked)
        returning id, status, attempts, provider_ref, last_error`,
  );
  for (const claimed of due) {
    try {
      if (claimed.status === "sent" && claimed.provider_ref) {
        const transfer = await ctx.payments.flutterwave.getTransfer(claimed.provider_ref);
        await applyTransfer(ctx, claimed.id, transfer);
        continue;
      }
      if (claimed.attempts > 1 && claimed.last_error === null) {
        await ctx.db
          .update(payouts)
          .set({
            status: "sent",
            sentAt: sql`now()`,
            lastError: "an earlier attempt was interrupted: check Flutterwave before paying again",
            updatedAt: sql`now()`,
          })
          .where(eq(payouts.id, claimed.id));
        continue;
      }
      const [payout] = await ctx.db.select().from(payouts).where(eq(payouts.id, claimed.id));
      if (payout) {
        await send(ctx, payout, log);
      }
    } catch (error) {
      log?.warn(
        { payoutId: claimed.id, err: error instanceof Error ? error.message : String(error) },
        "payout check failed",
      );
    }
  }
  return due.length;
}

/**
 * A `transfer.completed` webhook whose signature checked out: it names the transfer; what happened
 * is asked of Flutterwave by the transfer's id, never taken from the body. Duplicates apply once.
 */
export async function handleTransferWebhook(
  ctx: AppContext,
  event: VerifiedWebhook,
): Promise<string> {
  const flutterwave = ctx.payments.flutterwave;
  const payoutId = payoutIdOf(event.providerRef);
  if (!flutterwave || !payoutId || !event.transactionId) {
    throw new AppError("unknown_reference", "No payout with this reference");
  }
  const [payout] = await ctx.db
    .select({ id: payouts.id })
    .from(payouts)
    .where(eq(payouts.id, payoutId));
  if (!payout) {
    throw new AppError("unknown_reference", "No payout with this reference");
  }
  const transfer = await flutterwave.getTransfer(event.transactionId);
  const outcome = await applyTransfer(ctx, payout.id, transfer);
  await recordWebhookEvent(
    ctx.db,
    "flutterwave",
    event.eventKey,
    `payout_${outcome}`,
    event.payload,
  );
  return outcome === "already_applied" ? outcome : `payout_${outcome}`;
}
