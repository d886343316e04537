import { webhookEvents } from "@cs/db";
import type { FastifyBaseLogger } from "fastify";
import { type Batcher, createBatcher, retryingAlone } from "../../platform/batcher.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { applyWebhooks } from "./apply-batch.ts";
import { type ApplyOutcome, recordWebhookEvent } from "./apply-payment.ts";
import { handleTransferWebhook } from "./payout-transfers.ts";
import type { VerifiedWebhook } from "./providers/types.ts";

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
  log?: FastifyBaseLogger,
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
  return webhookBatcher(ctx, providerName).submit({ event, log });
}

/** A webhook to apply, with the log of the request that brought it. */
type Arrival = { event: VerifiedWebhook; log: FastifyBaseLogger | undefined };

const batchers = new WeakMap<AppContext, Map<string, Batcher<Arrival, ApplyOutcome>>>();

/**
 * The process's webhook batcher for a provider: webhooks that arrive while earlier ones are
 * being applied go together (see `applyWebhooks`); a quiet server applies each at once.
 */
function webhookBatcher(ctx: AppContext, providerName: string) {
  let byProvider = batchers.get(ctx);
  if (!byProvider) {
    byProvider = new Map();
    batchers.set(ctx, byProvider);
  }
  let batcher = byProvider.get(providerName);
  if (!batcher) {
    batcher = createBatcher({
      maxInFlight: WEBHOOK_BATCHES_IN_FLIGHT,
      maxBatch: WEBHOOK_BATCH_SIZE,
      run: retryingAlone(
        (arrivals) =>
          applyWebhooks(
            ctx,
            providerName,
            arrivals.map((arrival) => arrival.event),
          ),
        (error, arrivals) =>
          arrivals[0]?.log?.warn(
            { err: error, webhooks: arrivals.length },
            "webhook batch retried alone",
          ),
      ),
    });
    byProvider.set(providerName, batcher);
  }
  return batcher;
}

/** How many webhook batches one process applies at once, and how many webhooks one takes. */
const WEBHOOK_BATCHES_IN_FLIGHT = 3;
const WEBHOOK_BATCH_SIZE = 200;
