import { cashCommitments, type DbOrTx, groups, participations, payments, uuidArray } from "@cs/db";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Settled } from "../../platform/batcher.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueueMixed, type OutboxEvent } from "../../platform/outbox.ts";
import { priceForQuantity, tierReached } from "../groups/tiers.ts";
import {
  type ApplyOutcome,
  applyToLockedPayment,
  captureEntry,
  isPaymentId,
  mismatchOf,
} from "./apply-payment.ts";
import { postMany } from "./ledger.ts";
import type {
  PaymentProvider,
  ProviderTransaction,
  VerifiedWebhook,
  VerifyRequest,
} from "./providers/types.ts";

type PaymentRow = typeof payments.$inferSelect;
type ShareRow = typeof participations.$inferSelect;
type WebhookRecord = { id: string; key: string; outcome: string; payload: unknown };

const ok = (value: ApplyOutcome): Settled<ApplyOutcome> => ({ ok: true, value });
const fail = (error: unknown): Settled<ApplyOutcome> => ({ ok: false, error });
const unknownReference = () =>
  new AppError("unknown_reference", "No payment with this provider reference");

/**
 * Applies verified-signature webhooks of one provider that arrived together, each exactly as it
 * would be alone: found by our reference or the provider's (unknown ones refused), a payment
 * already captured answered from that read, the rest verified with the provider (in one call
 * when it can) and applied in one transaction. Copies of one webhook share one application; a
 * copy whose payment another batch is applying waits for that batch. Every verified webhook is
 * recorded with its outcome.
 */
export async function applyWebhooks(
  ctx: AppContext,
  providerName: string,
  events: readonly VerifiedWebhook[],
): Promise<Settled<ApplyOutcome>[]> {
  const provider = ctx.payments.providers[providerName];
  if (!provider) {
    throw new AppError("not_found", "No such payment provider");
  }
  const results: (Settled<ApplyOutcome> | null)[] = events.map(() => null);
  const records: WebhookRecord[] = [];
  const record = (index: number, outcome: ApplyOutcome, payload: unknown) => {
    results[index] = ok(outcome);
    records.push({
      id: newId(),
      key: (events[index] as VerifiedWebhook).eventKey,
      outcome,
      payload,
    });
  };

  const found = await findPayments(ctx, providerName, events);
  const leaders: Array<{
    index: number;
    payment: Pick<PaymentRow, "id" | "providerRef" | "currency">;
  }> = [];
  const followers: Array<{ index: number; leader: number }> = [];
  const leaderOf = new Map<string, number>();
  events.forEach((event, index) => {
    const payment = found[index];
    if (!payment) {
      results[index] = fail(unknownReference());
    } else if (payment.status === "succeeded" && payment.providerRef === event.providerRef) {
      // Captured already, and nothing the provider says now can change that: a redelivery (the
      // usual case) needs neither the provider nor a lock.
      record(index, "already_applied", event.payload);
    } else if (leaderOf.has(payment.id)) {
      followers.push({ index, leader: leaderOf.get(payment.id) as number });
    } else {
      leaderOf.set(payment.id, index);
      leaders.push({ index, payment });
    }
  });

  // A payment another batch is applying right now: wait for it, then this copy is a redelivery.
  const flights = flightsOf(ctx);
  const mine = new Map<string, Deferred>();
  let committed = false;
  const before: Array<Promise<Settled<ApplyOutcome> | null> | undefined> = leaders.map(
    ({ payment }) => {
      const prior = flights.get(payment.id);
      const flight = deferred();
      flights.set(payment.id, flight.promise);
      mine.set(payment.id, flight);
      return prior;
    },
  );
  try {
    const priors = await Promise.all(before);
    const toVerify = leaders.filter(({ index }, i) => {
      const prior = priors[i];
      if (prior?.ok && prior.value !== "still_pending") {
        record(index, "already_applied", (events[index] as VerifiedWebhook).payload);
        return false;
      }
      return true;
    });
    const answers = await verifyAll(
      provider,
      toVerify.map(({ index, payment }) => {
        const event = events[index] as VerifiedWebhook;
        return {
          providerRef: payment.providerRef ?? event.providerRef,
          hint: { transactionId: event.transactionId, currency: payment.currency },
        };
      }),
    );
    const verified: Array<{ index: number; transaction: ProviderTransaction }> = [];
    toVerify.forEach(({ index }, i) => {
      const answer = answers[i] as Settled<ProviderTransaction>;
      if (answer.ok) {
        verified.push({ index, transaction: answer.value });
      } else {
        results[index] = fail(answer.error);
      }
    });

    const settleFollowers = () => {
      for (const { index, leader } of followers) {
        const led = results[leader];
        if (!led?.ok) {
          results[index] = led ?? fail(new Error("webhook left unanswered"));
        } else {
          const payload = (events[index] as VerifiedWebhook).payload;
          record(
            index,
            led.value === "still_pending" ? "still_pending" : "already_applied",
            payload,
          );
        }
      }
    };

    if (verified.length === 0) {
      settleFollowers();
      await recordWebhooks(ctx.db, providerName, records);
    } else {
      await ctx.db.transaction(async (tx) => {
        const outcomes = await applyVerified(
          tx,
          providerName,
          verified.map((v) => v.transaction),
        );
        verified.forEach(({ index, transaction }, i) => {
          const outcome = outcomes[i] as Settled<ApplyOutcome>;
          if (outcome.ok) {
            record(index, outcome.value, {
              providerRef: transaction.providerRef,
              status: transaction.status,
            });
          } else {
            results[index] = outcome;
          }
        });
        settleFollowers();
        await recordWebhooks(tx, providerName, records);
      });
    }
    committed = true;
    return results.map((r) => r ?? fail(new Error("webhook left unanswered")));
  } finally {
    for (const { index, payment } of leaders) {
      const flight = mine.get(payment.id) as Deferred;
      // Outcomes are told to waiting copies only once they are committed: after a rollback a
      // copy must verify and apply for itself.
      flight.resolve(committed ? (results[index] ?? null) : null);
      if (flights.get(payment.id) === flight.promise) {
        flights.delete(payment.id);
      }
    }
  }
}

/** The payment each webhook is about: by our reference when it carries one, else the provider's. */
async function findPayments(
  ctx: AppContext,
  providerName: string,
  events: readonly VerifiedWebhook[],
): Promise<Array<Pick<PaymentRow, "id" | "providerRef" | "currency" | "status"> | undefined>> {
  const ids = [
    ...new Set(events.map((e) => e.merchantReference).filter((r) => isPaymentId(r))),
  ] as string[];
  const refs = [...new Set(events.map((e) => e.providerRef))];
  const rows = await ctx.db
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
        ids.length > 0
          ? or(inArray(payments.id, ids), inArray(payments.providerRef, refs))
          : inArray(payments.providerRef, refs),
      ),
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byRef = new Map(rows.filter((row) => row.providerRef).map((row) => [row.providerRef, row]));
  return events.map(
    (event) =>
      (isPaymentId(event.merchantReference) ? byId.get(event.merchantReference) : undefined) ??
      byRef.get(event.providerRef),
  );
}

/** Asks the provider about each transaction: in one call when it can, else all at once. */
async function verifyAll(
  provider: PaymentProvider,
  requests: readonly VerifyRequest[],
): Promise<Settled<ProviderTransaction>[]> {
  if (requests.length === 0) {
    return [];
  }
  if (provider.verifyMany) {
    return provider.verifyMany(requests);
  }
  return Promise.all(
    requests.map((request) =>
      provider.verify(request.providerRef, request.hint).then(
        (value): Settled<ProviderTransaction> => ({ ok: true, value }),
        (error: unknown): Settled<ProviderTransaction> => ({ ok: false, error }),
      ),
    ),
  );
}

/**
 * Applies the providers' answers in the caller's transaction, as `applyProviderTransaction`
 * would one by one. The common case, a reserved share's payment captured into an open group, is
 * written set-wise: the payments, shares and groups locked in id order, then one statement each
 * for the payments, the shares, the groups (quantities and price), the ledger, the cash holds
 * and the outbox. Everything else (declines, late payments, cash deposits, a share paid twice)
 * goes one by one after it, through the same code as a single webhook.
 */
async function applyVerified(
  tx: DbOrTx,
  providerName: string,
  answers: readonly ProviderTransaction[],
): Promise<Settled<ApplyOutcome>[]> {
  const out: (Settled<ApplyOutcome> | null)[] = answers.map(() => null);
  const ids = [
    ...new Set(answers.map((a) => a.merchantReference).filter((r) => isPaymentId(r))),
  ] as string[];
  const locked = new Map(
    (ids.length === 0
      ? []
      : await tx
          .select()
          .from(payments)
          .where(and(inArray(payments.id, ids), eq(payments.provider, providerName)))
          .orderBy(payments.id)
          .for("update")
    ).map((p) => [p.id, p]),
  );
  type Item = { i: number; payment: PaymentRow; verified: ProviderTransaction };
  const captures: Item[] = [];
  const oneByOne: Item[] = [];
  const claimed = new Set<string>();
  answers.forEach((verified, i) => {
    const payment = isPaymentId(verified.merchantReference)
      ? locked.get(verified.merchantReference)
      : undefined;
    const mismatch = payment ? mismatchOf(payment, verified) : unknownReference();
    if (!payment || mismatch) {
      out[i] = fail(mismatch);
    } else if (verified.status === "pending") {
      out[i] = ok("still_pending");
    } else if (
      verified.status === "paid" &&
      payment.status === "pending" &&
      payment.purpose === "share" &&
      !claimed.has(payment.id) &&
      !claimed.has(payment.participationId)
    ) {
      claimed.add(payment.id).add(payment.participationId);
      captures.push({ i, payment, verified });
    } else {
      oneByOne.push({ i, payment, verified });
    }
  });

  const shares = new Map(
    (captures.length === 0
      ? []
      : await tx
          .select()
          .from(participations)
          .where(
            inArray(
              participations.id,
              captures.map((c) => c.payment.participationId),
            ),
          )
          .orderBy(participations.id)
          .for("update")
    ).map((s) => [s.id, s]),
  );
  const reserved = captures.filter((c) => {
    if (shares.get(c.payment.participationId)?.status === "reserved") {
      return true;
    }
    oneByOne.push(c);
    return false;
  });
  const groupIds = [...new Set(reserved.map((c) => c.payment.groupId))];
  const open = new Map(
    (groupIds.length === 0
      ? []
      : await tx
          .select()
          .from(groups)
          .where(inArray(groups.id, groupIds))
          .orderBy(groups.id)
          .for("no key update")
    )
      .filter((g) => g.status === "open")
      .map((g) => [g.id, g]),
  );
  const written: Array<Item & { share: ShareRow }> = [];
  for (const c of reserved) {
    const share = shares.get(c.payment.participationId) as ShareRow;
    if (open.has(share.groupId)) {
      written.push({ ...c, share });
    } else {
      oneByOne.push(c);
    }
  }
  if (written.length > 0) {
    await captureShares(tx, written, open);
    for (const { i } of written) {
      out[i] = ok("credited");
    }
  }
  // After the set-wise writes, so that each of these sees them (a second payment of one share).
  oneByOne.sort((a, b) => a.i - b.i);
  for (const { i, payment, verified } of oneByOne) {
    const [fresh] = await tx
      .select()
      .from(payments)
      .where(eq(payments.id, payment.id))
      .for("update");
    out[i] = ok(await applyToLockedPayment(tx, fresh as PaymentRow, verified));
  }
  return out.map((r) => r ?? fail(new Error("payment left unanswered")));
}

/** The set-wise capture of reserved shares' payments into their open groups. */
async function captureShares(
  tx: DbOrTx,
  items: ReadonlyArray<{ payment: PaymentRow; verified: ProviderTransaction; share: ShareRow }>,
  open: ReadonlyMap<string, typeof groups.$inferSelect>,
): Promise<void> {
  const events: OutboxEvent[] = [];
  const added = new Map<string, { qty: number; traders: number }>();
  for (const { payment, share } of items) {
    const sum = added.get(share.groupId) ?? { qty: 0, traders: 0 };
    added.set(share.groupId, { qty: sum.qty + share.quantity, traders: sum.traders + 1 });
    events.push(
      {
        topic: "realtime.user",
        payload: { userId: payment.traderId, kind: "payment", id: payment.id },
      },
      { topic: "notify", payload: { kind: "payment_confirmed", subjectId: payment.id } },
    );
  }
  const groupRows = [...added].map(([id, { qty, traders }]) => {
    const group = open.get(id) as typeof groups.$inferSelect;
    const paid = group.paidQty + qty;
    const price = priceForQuantity(group.tiers, paid);
    if (price < priceForQuantity(group.tiers, group.paidQty)) {
      events.push({
        topic: "notify",
        payload: { kind: "tier_dropped", subjectId: id, variant: `${price}` },
      });
    }
    events.push({ topic: "realtime.group", payload: { groupId: id } });
    const reached = tierReached(group.tiers, group.paidQty, paid);
    if (reached) {
      events.push({
        topic: "chat.system",
        payload: {
          groupId: id,
          kind: "tier_reached",
          key: `tier:${reached.minQty}`,
          params: {
            minQty: reached.minQty,
            unitPrice: reached.unitPrice,
            currency: group.currency,
          },
        },
      });
    }
    return { id, held: group.heldQty - qty, paid, traders, price };
  });

  await tx.execute(sql`
    update groups g
    set held_qty = v.held, paid_qty = v.paid, paid_participants = g.paid_participants + v.traders,
        current_unit_price = v.price, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(groupRows)}::jsonb)
      as v(id uuid, held integer, paid integer, traders integer, price bigint)
    where g.id = v.id and g.id = any(${uuidArray(groupRows.map((g) => g.id))})`);
  await tx.execute(sql`
    update payments p
    set status = 'succeeded', succeeded_at = now(), method = coalesce(v.method, p.method),
        provider_ref = coalesce(p.provider_ref, v.ref),
        provider_receipt = coalesce(p.provider_receipt, v.receipt), updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(
      items.map(({ payment, verified }) => ({
        id: payment.id,
        method: verified.method ?? null,
        ref: verified.providerRef,
        receipt: verified.receipt ?? null,
      })),
    )}::jsonb) as v(id uuid, method text, ref text, receipt text)
    where p.id = v.id and p.id = any(${uuidArray(items.map(({ payment }) => payment.id))})`);
  await tx.execute(sql`
    update participations s
    set amount_paid = s.amount_paid + v.amount, status = 'paid', unit_price_paid = v.price,
        paid_at = now(), updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(
      items.map(({ payment, share }) => ({
        id: share.id,
        amount: payment.amount,
        price: payment.unitPrice,
      })),
    )}::jsonb) as v(id uuid, amount bigint, price bigint)
    where s.id = v.id and s.id = any(${uuidArray(items.map(({ share }) => share.id))})`);
  await postMany(
    tx,
    items.map(({ payment }) => captureEntry(payment)),
  );
  // Paid in full by mobile money: a cash share's wait for its deposit is over.
  await tx
    .update(cashCommitments)
    .set({ status: "cancelled", updatedAt: sql`now()` })
    .where(
      and(
        inArray(
          cashCommitments.participationId,
          items.map(({ share }) => share.id),
        ),
        eq(cashCommitments.status, "awaiting_deposit"),
      ),
    );
  await enqueueMixed(tx, events);
}

/** Keeps verified webhooks once per event key, with their outcomes: the audit trail. */
async function recordWebhooks(
  db: DbOrTx,
  providerName: string,
  records: readonly WebhookRecord[],
): Promise<void> {
  if (records.length > 0) {
    await db.execute(sql`
      insert into webhook_events (id, provider, event_key, signature_valid, outcome, payload)
      select id, ${providerName}, key, true, outcome, coalesce(payload, 'null'::jsonb)
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
        as v(id uuid, key text, outcome text, payload jsonb)
      on conflict do nothing`);
  }
}

type Deferred = {
  promise: Promise<Settled<ApplyOutcome> | null>;
  resolve(value: Settled<ApplyOutcome> | null): void;
};

function deferred(): Deferred {
  let resolve: Deferred["resolve"] = () => {};
  const promise = new Promise<Settled<ApplyOutcome> | null>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const inFlight = new WeakMap<AppContext, Map<string, Deferred["promise"]>>();

/** The payments this process is applying right now, each with the promise of its outcome. */
function flightsOf(ctx: AppContext): Map<string, Deferred["promise"]> {
  let flights = inFlight.get(ctx);
  if (!flights) {
    flights = new Map();
    inFlight.set(ctx, flights);
  }
  return flights;
}
