import type { TPickupCheck } from "@cs/contracts";
import { type DbOrTx, pickupCredentials, queryRows, supplierOrders, uuidArray } from "@cs/db";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import {
  type Batcher,
  createBatcher,
  retryingAlone,
  type Settled,
} from "../../platform/batcher.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueueMixed, type OutboxEvent } from "../../platform/outbox.ts";
import { completeIfAllCollected } from "../fulfilment/completion.ts";
import { markSharesCollected } from "../groups/fulfilment-states.ts";
import { cashToTakeAtHandover } from "../payments/cash.ts";
import { type AttemptSubject, lockedOut, lockedSubjects, recordFailure } from "./attempts.ts";
import { presentCheck } from "./credentials.ts";
import { applyHandover, handoverRefusal, type Proof, tokenRecord } from "./handover.ts";
import {
  agentPickupPoints,
  type CredentialRecord,
  type CredentialRow,
  credentialRecords,
} from "./repo.ts";
import { openToken, shortCodeHash } from "./tokens.ts";

export interface HandoverRequest {
  actor: Actor;
  proof: Proof;
  /** Units to hand over; all that remains when not given. */
  quantity: number | undefined;
  /** The cash the agent took, minor units, for a share paid at pickup. */
  cashAmount: number | undefined;
}

export interface HandoverDone {
  handover: { id: string; quantity: number; occurredAt: string };
  credential: TPickupCheck;
}

/** A request whose credential was found and may be handed over by its agent. */
interface Admitted {
  index: number;
  request: HandoverRequest;
  record: CredentialRecord;
  units: number;
}

type Applied =
  | { handoverId: string; credential: CredentialRow; units: number }
  | { refused: AppError };

/** Wrong proofs that count toward a lockout. */
const COUNTED = new Set(["pickup_token_invalid", "pickup_code_invalid", "pickup_wrong_point"]);

/**
 * Confirms handovers that arrived together, each exactly as it would be alone (see
 * `applyHandover`). The agents' points, their lockouts and the credentials are read once for
 * all; then one transaction locks every credential and order concerned in id order and hands
 * over set-wise: one statement each for the credentials (a conditional update: of two agents
 * confirming one code, exactly one succeeds), the handover rows, the shares collected, the
 * orders' counts and the outbox. A code confirmed twice in one batch, and shares with cash to
 * take, go one by one after that, through `applyHandover`.
 */
export async function confirmHandovers(
  ctx: AppContext,
  requests: readonly HandoverRequest[],
): Promise<Settled<HandoverDone>[]> {
  const results: (Settled<HandoverDone> | null)[] = requests.map(() => null);
  const points = await agentPickupPoints(
    ctx.db,
    requests.map((r) => r.actor.id),
  );
  const subjects = requests.map((request): AttemptSubject | null => {
    const pickupPointId = points.get(request.actor.id);
    if (!pickupPointId) {
      return null;
    }
    const code = "code" in request.proof ? request.proof.code : undefined;
    return {
      agentId: request.actor.id,
      pickupPointId,
      codeKey: code === undefined ? undefined : shortCodeHash(ctx.config.pickupCodeSecret, code),
    };
  });
  const locked = await lockedSubjects(
    ctx.db,
    subjects.filter((s) => s !== null),
  );

  // What each proof names: tokens opened here, then one read for every credential named.
  const claims = requests.map((request, index) => {
    const subject = subjects[index];
    if (!subject) {
      results[index] = { ok: false, error: new AppError("pickup_agent_unassigned") };
      return null;
    }
    if (locked.has(subject)) {
      results[index] = { ok: false, error: lockedOut() };
      return null;
    }
    if ("token" in request.proof) {
      try {
        return openToken(ctx.config.pickupKeys, request.proof.token);
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
    return null;
  });
  const ids = claims.flatMap((claim) => (claim ? [claim.credentialId] : []));
  const hashes = subjects.flatMap((subject, i) =>
    subject?.codeKey && !results[i] ? [subject.codeKey] : [],
  );
  const named =
    ids.length + hashes.length === 0
      ? []
      : await credentialRecords(
          ctx.db,
          or(
            ids.length > 0 ? inArray(pickupCredentials.id, ids) : undefined,
            hashes.length > 0
              ? and(
                  inArray(pickupCredentials.shortCodeHash, hashes),
                  sql`${pickupCredentials.status} in ('live', 'collected')`,
                )
              : undefined,
          ),
        );

  const admitted: Admitted[] = [];
  for (const [index, request] of requests.entries()) {
    const subject = subjects[index];
    if (results[index] || !subject) {
      continue;
    }
    try {
      const claim = claims[index];
      const record = claim
        ? tokenRecord(
            named.find((r) => r.credential.id === claim.credentialId),
            claim,
            subject.pickupPointId,
          )
        : byCode(named, subject.codeKey as string, subject.pickupPointId);
      const found = record.credential;
      if (found.traderId === request.actor.id) {
        throw new AppError("forbidden", "Nobody hands goods over to themselves");
      }
      const units = request.quantity ?? Math.max(1, found.quantity - found.collectedQty);
      admitted.push({ index, request, record, units });
    } catch (error) {
      results[index] = { ok: false, error };
    }
  }
  // The wrong proofs (a forged token, an unknown code, another point's), counted below.
  const wrong = results.flatMap((result, index) =>
    subjects[index] &&
    result &&
    !result.ok &&
    result.error instanceof AppError &&
    COUNTED.has(result.error.code)
      ? [index]
      : [],
  );
  if (admitted.length > 0) {
    const occurredAt = new Date();
    const applied = await ctx.db.transaction((tx) => handOver(tx, ctx, admitted, occurredAt));
    for (const item of admitted) {
      const outcome = applied.get(item.index) as Applied;
      results[item.index] =
        "refused" in outcome
          ? { ok: false, error: outcome.refused }
          : {
              ok: true,
              value: {
                handover: {
                  id: outcome.handoverId,
                  quantity: outcome.units,
                  occurredAt: occurredAt.toISOString(),
                },
                credential: presentCheck({ ...item.record, credential: outcome.credential }),
              },
            };
    }
  }
  // A wrong proof counts against the agent, the point and the code. Counted once the batch's
  // transaction is decided: a batch that fails is tried again request by request, which must
  // not count the same mistake twice.
  for (const index of wrong) {
    try {
      await recordFailure(ctx.db, subjects[index] as AttemptSubject);
    } catch (error) {
      // This request fails either way; it fails with the reason it could not be counted.
      results[index] = { ok: false, error };
    }
  }
  return results.map((r) => r ?? { ok: false, error: new Error("handover left unanswered") });
}

/** The credential a typed code names at the agent's point: the live one, else a collected one. */
function byCode(
  named: readonly CredentialRecord[],
  hash: string,
  pickupPointId: string,
): CredentialRecord {
  const withCode = named.filter(
    (r) =>
      r.credential.shortCodeHash === hash &&
      (r.credential.status === "live" || r.credential.status === "collected"),
  );
  const here = withCode.filter((r) => r.credential.pickupPointId === pickupPointId);
  const record = here.find((r) => r.credential.status === "live") ?? here[0];
  if (record) {
    return record;
  }
  throw new AppError(withCode.length > 0 ? "pickup_wrong_point" : "pickup_code_invalid");
}

/**
 * The transaction of a batch. Every credential it can still hand over is locked first and every
 * order before the first count moves, each in id order (credentials, then orders, as a single handover
 * takes them), so batches never deadlock each other and the one-by-one handovers after the
 * set-wise ones take no new shared lock.
 */
async function handOver(
  tx: DbOrTx,
  ctx: AppContext,
  admitted: readonly Admitted[],
  occurredAt: Date,
): Promise<Map<number, Applied>> {
  const credentialIds = [...new Set(admitted.map((a) => a.record.credential.id))];
  // Only the credentials that can still be handed over: the others are refused without a lock,
  // and the sweep that expires them (it holds their order first) never waits on this batch.
  await tx
    .select({ id: pickupCredentials.id })
    .from(pickupCredentials)
    .where(
      and(
        inArray(pickupCredentials.id, credentialIds),
        eq(pickupCredentials.status, "live"),
        sql`${pickupCredentials.expiresAt} > now()`,
      ),
    )
    .orderBy(pickupCredentials.id)
    .for("update");
  const due = await cashToTakeAtHandover(
    tx,
    admitted.map((a) => a.record.credential.participationId),
  );
  const setwise: Admitted[] = [];
  const oneByOne: Admitted[] = [];
  const first = new Set<string>();
  for (const item of admitted) {
    const { id, participationId } = item.record.credential;
    if (due.has(participationId) || first.has(id)) {
      oneByOne.push(item);
    } else {
      first.add(id);
      setwise.push(item);
    }
  }
  const applied = new Map<number, Applied>();
  const byGroup =
    setwise.length > 0
      ? await handOverSetwise(tx, setwise, occurredAt, applied)
      : new Map<string, number>();
  if (byGroup.size === 0 && oneByOne.length === 0) {
    return applied;
  }
  // The orders' rows are every handover's of their groups, so they are locked last, just before
  // their counts move, and held only until the commit.
  await tx
    .select({ id: supplierOrders.id })
    .from(supplierOrders)
    .where(
      inArray(supplierOrders.groupId, [
        ...new Set(admitted.map((a) => a.record.credential.groupId)),
      ]),
    )
    .orderBy(supplierOrders.id)
    .for("update");
  await countCollected(tx, ctx, byGroup);
  for (const item of oneByOne) {
    const credential = item.record.credential;
    // "All that remains" is what remains now, after the handovers before it in this batch.
    const units =
      item.request.quantity ?? Math.max(1, (await remainingOf(tx, credential.id)) ?? item.units);
    const outcome = await applyHandover(tx, ctx, {
      credentialId: credential.id,
      participationId: credential.participationId,
      agentId: item.request.actor.id,
      quantity: units,
      source: "online",
      occurredAt,
      cashAmount: item.request.cashAmount,
    });
    applied.set(item.index, "refused" in outcome ? outcome : { ...outcome, units });
  }
  return applied;
}

/** Units of a credential not yet handed over. */
async function remainingOf(tx: DbOrTx, credentialId: string): Promise<number | undefined> {
  const [row] = await tx
    .select({ quantity: pickupCredentials.quantity, collected: pickupCredentials.collectedQty })
    .from(pickupCredentials)
    .where(eq(pickupCredentials.id, credentialId));
  return row && row.quantity - row.collected;
}

type TakenRow = {
  id: string;
  status: CredentialRow["status"];
  collected_qty: number;
  collected_at: string | Date | null;
  updated_at: string | Date;
};

/**
 * Hands over distinct credentials with no cash to take, one statement per table but the orders'.
 * Returns the units handed over per group, for the orders' counts.
 */
async function handOverSetwise(
  tx: DbOrTx,
  items: readonly Admitted[],
  occurredAt: Date,
  applied: Map<number, Applied>,
): Promise<Map<string, number>> {
  const ids = items.map((item) => item.record.credential.id);
  const taken = new Map(
    (
      await queryRows<TakenRow>(
        tx,
        sql`update pickup_credentials c
            set collected_qty = c.collected_qty + v.qty,
                status = case when c.collected_qty + v.qty >= c.quantity then 'collected' else 'live' end,
                collected_at = case when c.collected_qty + v.qty >= c.quantity then now() else null end,
                updated_at = now()
            from jsonb_to_recordset(${JSON.stringify(
              items.map((item) => ({ id: item.record.credential.id, qty: item.units })),
            )}::jsonb) as v(id uuid, qty integer)
            where c.id = v.id and c.id = any(${uuidArray(ids)})
              and c.status = 'live' and c.expires_at > now()
              and c.collected_qty + v.qty <= c.quantity
            returning c.id, c.status, c.collected_qty, c.collected_at, c.updated_at`,
      )
    ).map((row) => [row.id, row]),
  );
  const refusedIds = ids.filter((id) => !taken.has(id));
  const current = new Map(
    (refusedIds.length === 0
      ? []
      : await tx.select().from(pickupCredentials).where(inArray(pickupCredentials.id, refusedIds))
    ).map((row) => [row.id, row]),
  );

  const handovers: Array<{
    id: string;
    credential_id: string;
    agent_id: string;
    quantity: number;
    occurred_at: string;
  }> = [];
  const events: OutboxEvent[] = [];
  const collected: string[] = [];
  const byGroup = new Map<string, number>();
  for (const item of items) {
    const before = item.record.credential;
    const row = taken.get(before.id);
    if (!row) {
      const now = current.get(before.id);
      applied.set(item.index, {
        refused: (now && handoverRefusal(now, item.units)) ?? new AppError("pickup_code_invalid"),
      });
      continue;
    }
    const credential: CredentialRow = {
      ...before,
      status: row.status,
      collectedQty: Number(row.collected_qty),
      collectedAt: row.collected_at === null ? null : new Date(row.collected_at),
      updatedAt: new Date(row.updated_at),
    };
    const handoverId = newId();
    applied.set(item.index, { handoverId, credential, units: item.units });
    handovers.push({
      id: handoverId,
      credential_id: credential.id,
      agent_id: item.request.actor.id,
      quantity: item.units,
      occurred_at: occurredAt.toISOString(),
    });
    if (credential.status === "collected") {
      collected.push(credential.participationId);
      events.push(
        {
          topic: "realtime.user",
          payload: {
            userId: credential.traderId,
            kind: "participation",
            id: credential.participationId,
          },
        },
        { topic: "notify", payload: { kind: "collected", subjectId: credential.id } },
      );
    }
    events.push({ topic: "realtime.pickup", payload: { credentialId: credential.id } });
    byGroup.set(credential.groupId, (byGroup.get(credential.groupId) ?? 0) + item.units);
  }
  if (handovers.length === 0) {
    return byGroup;
  }
  await tx.execute(sql`
    insert into pickup_handovers (id, credential_id, agent_id, quantity, source, occurred_at)
    select id, credential_id, agent_id, quantity, 'online', occurred_at
    from jsonb_to_recordset(${JSON.stringify(handovers)}::jsonb)
      as v(id uuid, credential_id uuid, agent_id uuid, quantity integer, occurred_at timestamptz)`);
  await markSharesCollected(tx, collected);
  await enqueueMixed(tx, events);
  return byGroup;
}

/** Moves the (locked) orders' collected counts; an order with nothing left to collect completes. */
async function countCollected(
  tx: DbOrTx,
  ctx: AppContext,
  byGroup: ReadonlyMap<string, number>,
): Promise<void> {
  if (byGroup.size === 0) {
    return;
  }
  const groupIds = [...byGroup.keys()];
  const orders = await queryRows<{ id: string; collected_qty: number; collectable_qty: number }>(
    tx,
    sql`update supplier_orders o
        set collected_qty = o.collected_qty + v.qty, updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(
          groupIds.map((id) => ({ group_id: id, qty: byGroup.get(id) })),
        )}::jsonb) as v(group_id uuid, qty integer)
        where o.group_id = v.group_id and o.group_id = any(${uuidArray(groupIds)})
        returning o.id, o.collected_qty, o.collectable_qty`,
  );
  for (const order of orders) {
    if (Number(order.collected_qty) >= Number(order.collectable_qty)) {
      await completeIfAllCollected(tx, ctx, order.id);
    }
  }
}

const batchers = new WeakMap<AppContext, Batcher<HandoverRequest, HandoverDone>>();

/** How many handover batches one process runs at once, and how many handovers one takes. */
const HANDOVER_BATCHES_IN_FLIGHT = 3;
const HANDOVER_BATCH_SIZE = 100;

/**
 * The agent confirms a handover (all that remains unless told a quantity). Handovers that arrive
 * together are confirmed together (see `confirmHandovers`); a quiet server confirms each at once.
 */
export function confirmHandover(ctx: AppContext, request: HandoverRequest): Promise<HandoverDone> {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = createBatcher({
      maxInFlight: HANDOVER_BATCHES_IN_FLIGHT,
      maxBatch: HANDOVER_BATCH_SIZE,
      run: retryingAlone((requests) => confirmHandovers(ctx, requests)),
    });
    batchers.set(ctx, batcher);
  }
  return batcher.submit(request);
}
