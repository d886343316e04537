import { payments, webhookEvents } from "@cs/db";
import { and, eq, or } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import {
  type ApplyOutcome,
  applyProviderTransaction,
  isPaymentId,
  recordWebhookEvent,
} from "./apply-payment.ts";
import { handleTransferWebhook } from "./payout-transfers.ts";
import type { VerifiedWebhook } from "./providers/types.ts";

/** The payment a webhook is about: by our reference when it carries one, else by the provider's. */
async function paymentOf(ctx: AppContext, providerName: string, event: VerifiedWebhook) {
  const byOurs = isPaymentId(event.merchantReference)
    ? eq(payments.id, event.merchantReference)
    : undefined;
  const [payment] = await ctx.db
    .select({
      id: payments.id,
      providerRef: payments.providerRef,
      currency: payments.currency,
      status: payments.status,
    })
    .from(payments)
    .where(
      and(
        eq(payments.provider, providerName),
        byOurs
          ? or(byOurs, eq(payments.providerRef, event.providerRef))
          : eq(payments.providerRef, event.providerRef),
      ),
    )
    .limit(1);
  return payment;
}

/**
 * The webhook endpoint's work: check the signature, ask the provider what really happened,
 * apply that. A bad signature is recorded and refused; a webhook about no payment of ours is
 * refused before the provider is asked anything; a duplicate is applied as a no-op. The
 * provider is asked at the address we stored when the checkout opened, never at one the
 * webhook names.
 */
export async function handleWebhook(
  ctx: AppContext,
  providerName: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<ApplyOutcome | string> {
  const provider = ctx.payments.providers[providerName];
  if (!provider) {
    throw new AppError("not_found", "No such payment provider");
  }
  let event: VerifiedWebhook;
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
  if (event.ignore) {
    await recordWebhookEvent(ctx.db, providerName, event.eventKey, "ignored", event.payload);
    return "ignored";
  }
  if (event.transfer) {
    return handleTransferWebhook(ctx, event);
  }
  const payment = await paymentOf(ctx, providerName, event);
  if (!payment) {
    throw new AppError("unknown_reference", "No payment with this provider reference");
  }
  if (payment.status === "succeeded" && payment.providerRef === event.providerRef) {
    // Captured already, and nothing the provider says now can change that: a redelivery (the
    // usual case) is answered without asking the provider or locking anything.
    await recordWebhookEvent(
      ctx.db,
      providerName,
      event.eventKey,
      "already_applied",
      event.payload,
    );
    return "already_applied";
  }
  // A copy of a webhook that is being applied right now waits for that one here, rather than on
  // the payment's row lock while holding one of the pool's connections (providers send copies
  // together: under load those waits starved the pool).
  const flights = inFlightOf(ctx);
  const running = flights.get(payment.id);
  if (running) {
    const outcome = await running.catch(() => null);
    if (outcome !== null && outcome !== "still_pending") {
      await recordWebhookEvent(
        ctx.db,
        providerName,
        event.eventKey,
        "already_applied",
        event.payload,
      );
      return "already_applied";
    }
  }
  const work = (async () => {
    const verified = await provider.verify(payment.providerRef ?? event.providerRef, {
      transactionId: event.transactionId,
      currency: payment.currency,
    });
    return applyProviderTransaction(ctx, providerName, verified, event.eventKey);
  })();
  flights.set(payment.id, work);
  try {
    return await work;
  } finally {
    if (flights.get(payment.id) === work) {
      flights.delete(payment.id);
    }
  }
}

const inFlight = new WeakMap<AppContext, Map<string, Promise<ApplyOutcome>>>();

function inFlightOf(ctx: AppContext): Map<string, Promise<ApplyOutcome>> {
  let flights = inFlight.get(ctx);
  if (!flights) {
    flights = new Map();
    inFlight.set(ctx, flights);
  }
  return flights;
}
