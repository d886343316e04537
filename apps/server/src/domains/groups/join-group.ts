import type { TJoinGroupRequest, TJoinGroupResponse } from "@cs/contracts";
import { type DbOrTx, groups, participations, payments, queryRows, uuidArray } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
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
import { enqueue, enqueueAll } from "../../platform/outbox.ts";
import {
  type CheckoutContext,
  createPendingPayment,
  openCheckout,
  openCheckouts,
  type PaymentRow,
  pendingPaymentValues,
  presentPaymentSession,
} from "../payments/checkout.ts";
import { capturedPaymentOf, createRefund } from "../payments/refunds.ts";
import { type GroupRow, type ParticipationRow, presentParticipation } from "./presenter.ts";
import { findGroup, groupColumns } from "./repo.ts";
import { priceForQuantity } from "./tiers.ts";

function checkQuantity(group: GroupRow, quantity: number): void {
  if (
    quantity < group.minPerTrader ||
    (group.maxPerTrader !== null && quantity > group.maxPerTrader)
  ) {
    const range =
      group.maxPerTrader === null
        ? `at least ${group.minPerTrader}`
        : `${group.minPerTrader} to ${group.maxPerTrader}`;
    throw new AppError("quantity_out_of_range", `Choose ${range} units`, {
      errors: [{ path: "quantity", message: range }],
    });
  }
}

/** Why a conditional update of an open group matched nothing: closed, or not enough room. */
async function refusal(db: DbOrTx, groupId: string, quantity: number): Promise<AppError> {
  const group = await findGroup(db, groupId);
  // Between the update and this read, room may have come free again: still a refusal.
  return group
    ? (refusalFor(group, quantity, 0) ?? new AppError("group_full"))
    : new AppError("group_not_open");
}

/** Why `quantity` more cannot be reserved in a group (null if it can), `taken` being spoken for. */
function refusalFor(group: GroupRow, quantity: number, taken: number): AppError | null {
  if (group.status !== "open" || group.deadline.getTime() <= Date.now()) {
    return new AppError("group_not_open");
  }
  if (group.cap === null) {
    return null;
  }
  const left = Math.max(0, group.cap - group.heldQty - group.paidQty - taken);
  return quantity <= left
    ? null
    : new AppError("group_full", `Only ${left} left`, {
        errors: [{ path: "quantity", message: `at most ${left}` }],
      });
}

function checkoutDescription(group: GroupRow, quantity: number): string {
  return `${quantity} × ${group.display.product.name} (${group.display.product.unit}) · group ${group.code}`;
}

export interface JoinRequest extends JoinChoice {
  actor: Actor;
  groupId: string;
  quantity: number;
  pickupPointId?: string | undefined;
  via: CheckoutContext;
}

/** How the trader pays (method, mobile-money number, cash deposit method). */
type JoinChoice = Pick<TJoinGroupRequest, "method" | "phone" | "depositMethod">;

/** Checks a join against the group as last read; returns the pickup point, or throws. */
function admissible(group: GroupRow | undefined, join: JoinRequest): string {
  if (!group || group.status === "draft") {
    throw new AppError("not_found", "No such group");
  }
  if (group.status !== "open" || group.deadline.getTime() <= Date.now()) {
    throw new AppError("group_not_open");
  }
  checkQuantity(group, join.quantity);
  const pickupPointId = join.pickupPointId ?? group.display.pickupPoints[0]?.id;
  if (!pickupPointId || !group.display.pickupPoints.some((p) => p.id === pickupPointId)) {
    throw new AppError("unknown_reference", "Pick one of this group's pickup points", {
      errors: [{ path: "pickupPointId", message: "not a pickup point of this group" }],
    });
  }
  return pickupPointId;
}

type NewShare = {
  id: string;
  group_id: string;
  trader_id: string;
  quantity: number;
  pickup_point_id: string;
  currency: "USD" | "ZWG";
};

/**
 * Inserts reservations, skipping any trader who already has a live share in the group. One
 * JSON parameter for the whole batch: building a multi-row insert value by value cost more CPU
 * than the database spent on it.
 */
async function insertShares(
  tx: DbOrTx,
  shares: NewShare[],
  holdMinutes: number,
): Promise<ParticipationRow[]> {
  const rows = await queryRows<{
    id: string;
    hold_expires_at: Date | string;
    created_at: Date | string;
  }>(
    tx,
    sql`
    insert into participations
      (id, group_id, trader_id, quantity, status, pickup_point_id, currency, hold_expires_at)
    select v.id, v.group_id, v.trader_id, v.quantity, 'reserved', v.pickup_point_id, v.currency,
      now() + make_interval(mins => ${holdMinutes})
    from jsonb_to_recordset(${JSON.stringify(shares)}::jsonb) as v(id uuid, group_id uuid,
      trader_id uuid, quantity integer, pickup_point_id uuid, currency text)
    on conflict (group_id, trader_id)
      where status in ('reserved', 'paid', 'ready_for_pickup', 'collected') do nothing
    returning id, hold_expires_at, created_at`,
  );
  const byId = new Map(shares.map((share) => [share.id, share]));
  return rows.map((row) => {
    const share = byId.get(row.id) as NewShare;
    const createdAt = new Date(row.created_at);
    return {
      id: row.id,
      groupId: share.group_id,
      traderId: share.trader_id,
      quantity: share.quantity,
      status: "reserved",
      pickupPointId: share.pickup_point_id,
      currency: share.currency,
      holdExpiresAt: new Date(row.hold_expires_at),
      unitPricePaid: null,
      amountPaid: 0,
      amountRefunded: 0,
      paidAt: null,
      createdAt,
      updatedAt: createdAt,
    };
  });
}

/** Inserts pending payments, one JSON parameter for the batch (see `insertShares`). */
async function insertPayments(
  tx: DbOrTx,
  values: ReturnType<typeof pendingPaymentValues>[],
): Promise<PaymentRow[]> {
  const rows = await queryRows<{ id: string; created_at: Date | string }>(
    tx,
    sql`
    insert into payments (id, participation_id, trader_id, group_id, provider, method, phone,
      amount, currency, unit_price, status)
    select v.id, v.participation_id, v.trader_id, v.group_id, v.provider, v.method, v.phone,
      v.amount, v.currency, v.unit_price, 'pending'
    from jsonb_to_recordset(${JSON.stringify(
      values.map((p) => ({
        id: p.id,
        participation_id: p.participationId,
        trader_id: p.traderId,
        group_id: p.groupId,
        provider: p.provider,
        method: p.method,
        phone: p.phone,
        amount: p.amount,
        currency: p.currency,
        unit_price: p.unitPrice,
      })),
    )}::jsonb) as v(id uuid, participation_id uuid, trader_id uuid, group_id uuid,
      provider text, method text, phone text, amount bigint, currency text, unit_price bigint)
    returning id, created_at`,
  );
  const createdAt = new Map(rows.map((row) => [row.id, new Date(row.created_at)]));
  return values.map((p) => {
    const at = createdAt.get(p.id) ?? new Date();
    return {
      id: p.id,
      participationId: p.participationId,
      traderId: p.traderId,
      groupId: p.groupId,
      provider: p.provider,
      method: p.method ?? null,
      phone: p.phone ?? null,
      purpose: "share",
      providerRef: null,
      checkoutUrl: null,
      instructions: null,
      providerReceipt: null,
      amount: p.amount,
      currency: p.currency,
      unitPrice: p.unitPrice,
      status: "pending",
      failureReason: null,
      succeededAt: null,
      createdAt: at,
      updatedAt: at,
    };
  });
}

const settle = {
  fail: (error: unknown): Settled<TJoinGroupResponse> => ({ ok: false, error }),
};

/**
 * Joins several groups (or one group several times) in one transaction, for the join batcher.
 * Each join is judged on its own, in the order given, exactly as it would be alone: a share is
 * inserted for every admissible join (a trader already in the group gets `already_joined`), the
 * groups are locked in id order, room is handed out join by join against each group's cap, the
 * shares that did not fit are removed, and one statement each writes the payments and the
 * groups' held quantities. The cap holds under any concurrency: the counters are read under the
 * row lock and the table's check constraint backs it.
 */
export async function joinMany(
  ctx: AppContext,
  joins: readonly JoinRequest[],
): Promise<Settled<TJoinGroupResponse>[]> {
  const results: (Settled<TJoinGroupResponse> | null)[] = joins.map(() => null);
  const groupIds = [...new Set(joins.map((j) => j.groupId))];
  const before = new Map(
    (await ctx.db.select(groupColumns).from(groups).where(inArray(groups.id, groupIds))).map(
      (g) => [g.id, g],
    ),
  );
  const candidates: { index: number; join: JoinRequest; pickupPointId: string }[] = [];
  const seen = new Set<string>();
  joins.forEach((join, index) => {
    try {
      const pickupPointId = admissible(before.get(join.groupId), join);
      const key = `${join.groupId}:${join.actor.id}`;
      if (seen.has(key)) {
        throw new AppError("already_joined");
      }
      seen.add(key);
      candidates.push({ index, join, pickupPointId });
    } catch (error) {
      results[index] = settle.fail(error);
    }
  });
  if (candidates.length > 0) {
    const accepted = await ctx.db.transaction(async (tx) => {
      const inserted = await insertShares(
        tx,
        candidates.map(({ join, pickupPointId }) => ({
          id: newId(),
          group_id: join.groupId,
          trader_id: join.actor.id,
          quantity: join.quantity,
          pickup_point_id: pickupPointId,
          currency: (before.get(join.groupId) as GroupRow).currency,
        })),
        ctx.config.reservationHoldMinutes,
      );
      const shareOf = new Map(
        inserted.map((share) => [`${share.groupId}:${share.traderId}`, share]),
      );
      // Locked in id order, so two batches touching the same groups never deadlock.
      const locked = new Map(
        (
          await tx
            .select(groupColumns)
            .from(groups)
            .where(inArray(groups.id, [...new Set(inserted.map((share) => share.groupId))]))
            .orderBy(groups.id)
            // Not `for update`: the shares just inserted hold key-share locks on their groups
            // (the foreign key), which `for update` would wait on, batch against batch.
            .for("no key update")
        ).map((g) => [g.id, g]),
      );
      const taken = new Map<string, number>();
      const kept: { index: number; join: JoinRequest; share: ParticipationRow; group: GroupRow }[] =
        [];
      const dropped: string[] = [];
      for (const { index, join } of candidates) {
        const share = shareOf.get(`${join.groupId}:${join.actor.id}`);
        const group = locked.get(join.groupId);
        if (!share || !group) {
          results[index] = settle.fail(new AppError("already_joined"));
          continue;
        }
        const spoken = taken.get(group.id) ?? 0;
        const refused = refusalFor(group, join.quantity, spoken);
        if (refused) {
          results[index] = settle.fail(refused);
          dropped.push(share.id);
          continue;
        }
        taken.set(group.id, spoken + join.quantity);
        kept.push({ index, join, share, group });
      }
      if (dropped.length > 0) {
        await tx.delete(participations).where(inArray(participations.id, dropped));
      }
      if (kept.length === 0) {
        return [];
      }
      // The price in force as the checkout opens; the close settles everyone at the final tier.
      const created = await insertPayments(
        tx,
        kept.map(({ join, share, group }) =>
          pendingPaymentValues(ctx, {
            participationId: share.id,
            traderId: join.actor.id,
            groupId: group.id,
            quantity: join.quantity,
            unitPrice: group.currentUnitPrice,
            currency: group.currency,
            method: join.method,
            phone: join.phone,
          }),
        ),
      );
      const held = [...taken].map(([id, qty]) => ({ id, qty }));
      await tx.execute(sql`
        update groups g set held_qty = g.held_qty + v.qty
        from jsonb_to_recordset(${JSON.stringify(held)}::jsonb) as v(id uuid, qty integer)
        where g.id = v.id and g.id = any(${uuidArray(held.map((h) => h.id))})`);
      await enqueueAll(
        tx,
        "notify",
        kept.map(({ share }) => ({ kind: "joined" as const, subjectId: share.id })),
      );
      const paymentOf = new Map(created.map((p) => [p.participationId, p]));
      return kept.map((k) => ({ ...k, payment: paymentOf.get(k.share.id) as PaymentRow }));
    });
    const opened = await openCheckouts(
      ctx,
      accepted.map(({ payment, group, join }) => ({
        payment,
        description: checkoutDescription(group, join.quantity),
        via: join.via,
        depositMethod: join.depositMethod,
      })),
    );
    // A share paid in cash at pickup with no deposit is held at once: read those again.
    const held = opened.filter((p) => p.purpose === "cash_at_pickup").map((p) => p.participationId);
    const fresh = new Map(
      held.length === 0
        ? []
        : (await ctx.db.select().from(participations).where(inArray(participations.id, held))).map(
            (row) => [row.id, row],
          ),
    );
    accepted.forEach(({ index, share }, i) => {
      results[index] = {
        ok: true,
        value: {
          participation: presentParticipation(fresh.get(share.id) ?? share),
          payment: presentPaymentSession(opened[i] as PaymentRow, share.holdExpiresAt),
        },
      };
    });
  }
  return results.map((r) => r ?? settle.fail(new Error("join left unanswered")));
}

const batchers = new WeakMap<AppContext, Batcher<JoinRequest, TJoinGroupResponse>>();

/** The process's join batcher for an app (tests run several apps in one process). */
function joinBatcher(ctx: AppContext): Batcher<JoinRequest, TJoinGroupResponse> {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = createBatcher({
      maxInFlight: JOIN_BATCHES_IN_FLIGHT,
      maxBatch: JOIN_BATCH_SIZE,
      run: retryingAlone(
        (joins) => joinMany(ctx, joins),
        (error, joins) =>
          joins[0]?.via.log?.warn({ err: error, joins: joins.length }, "join batch retried alone"),
      ),
    });
    batchers.set(ctx, batcher);
  }
  return batcher;
}

/** How many join batches one process runs at once, and how many joins one batch takes. */
const JOIN_BATCHES_IN_FLIGHT = 3;
const JOIN_BATCH_SIZE = 256;

/**
 * Joins a group: reserves the quantity for the hold time and opens a checkout. Joins arriving
 * together are written together (see `joinMany`); each is answered as if it had come alone.
 */
export function joinGroup(
  ctx: AppContext,
  actor: Actor,
  groupId: string,
  input: JoinChoice & { quantity: number; pickupPointId?: string | undefined },
  via: CheckoutContext = {},
): Promise<TJoinGroupResponse> {
  return joinBatcher(ctx).submit({ actor, groupId, ...input, via });
}

async function lockOwnShare(
  tx: DbOrTx,
  actor: Actor,
  participationId: string,
): Promise<ParticipationRow> {
  const [share] = await tx
    .select()
    .from(participations)
    .where(eq(participations.id, participationId))
    .for("update");
  // Someone else's share is answered like a missing one.
  if (!share || share.traderId !== actor.id) {
    throw new AppError("not_found", "No such participation");
  }
  return share;
}

/** A new checkout for a reservation whose payment failed or was abandoned, within the hold. */
export async function retryPayment(
  ctx: AppContext,
  actor: Actor,
  participationId: string,
  choice: JoinChoice,
  via: CheckoutContext = {},
) {
  const { share, payment, group } = await ctx.db.transaction(async (tx) => {
    const share = await lockOwnShare(tx, actor, participationId);
    if (share.status !== "reserved" || share.holdExpiresAt.getTime() <= Date.now()) {
      throw new AppError(
        share.status === "lapsed" || share.status === "reserved"
          ? "reservation_lapsed"
          : "payment_not_pending",
      );
    }
    const group = await findGroup(tx, share.groupId);
    if (group?.status !== "open") {
      throw new AppError("group_not_open");
    }
    const payment = await createPendingPayment(tx, ctx, {
      participationId: share.id,
      traderId: actor.id,
      groupId: group.id,
      quantity: share.quantity,
      unitPrice: group.currentUnitPrice,
      currency: group.currency,
      method: choice.method,
      phone: choice.phone,
    });
    return { share, payment, group };
  });
  const opened = await openCheckout(
    ctx,
    payment,
    checkoutDescription(group, share.quantity),
    via,
    choice.depositMethod,
  );
  if (opened.checkoutError) {
    // Nothing to pay with yet: say so (the reservation is kept), rather than a dead session.
    throw new AppError("provider_unavailable", opened.checkoutError.detail);
  }
  return presentPaymentSession(opened, share.holdExpiresAt);
}

/**
 * Changes the quantity before the group closes. A reservation may grow (within the cap) or
 * shrink, and gets a new checkout; a paid share may only shrink, and the difference is refunded.
 */
export async function changeQuantity(
  ctx: AppContext,
  actor: Actor,
  participationId: string,
  quantity: number,
  via: CheckoutContext = {},
) {
  const outcome = await ctx.db.transaction(async (tx) => {
    const share = await lockOwnShare(tx, actor, participationId);
    const group = await findGroup(tx, share.groupId);
    if (
      group?.status !== "open" ||
      group.deadline.getTime() <= Date.now() ||
      (share.status !== "reserved" && share.status !== "paid")
    ) {
      throw new AppError(
        "invalid_transition",
        "The quantity can only change while the group is open",
      );
    }
    checkQuantity(group, quantity);
    const delta = quantity - share.quantity;
    if (share.status === "paid" && delta > 0) {
      throw new AppError("quantity_increase_not_allowed");
    }
    if (delta === 0) {
      return { share, payment: null, group };
    }
    const column = share.status === "reserved" ? groups.heldQty : groups.paidQty;
    const [updated] = await tx
      .update(groups)
      .set(
        share.status === "reserved"
          ? { heldQty: sql`${column} + ${delta}` }
          : { paidQty: sql`${column} + ${delta}` },
      )
      .where(
        and(
          eq(groups.id, group.id),
          eq(groups.status, "open"),
          sql`(${delta} <= 0 or ${groups.cap} is null or ${groups.heldQty} + ${groups.paidQty} + ${delta} <= ${groups.cap})`,
        ),
      )
      .returning();
    if (!updated) {
      throw await refusal(tx, group.id, delta);
    }
    const [changed] = await tx
      .update(participations)
      .set({ quantity, updatedAt: sql`now()` })
      .where(eq(participations.id, share.id))
      .returning();
    let payment: PaymentRow | null = null;
    if (share.status === "reserved") {
      payment = await createPendingPayment(tx, ctx, {
        participationId: share.id,
        traderId: actor.id,
        groupId: group.id,
        quantity,
        unitPrice: updated.currentUnitPrice,
        currency: group.currency,
      });
    } else {
      await repriceGroup(tx, updated);
      const captured = await capturedPaymentOf(tx, share.id);
      if (captured) {
        await createRefund(tx, {
          paymentId: captured.id,
          participationId: share.id,
          traderId: actor.id,
          groupId: group.id,
          amount: -delta * (share.unitPricePaid ?? 0),
          currency: group.currency,
          reason: "quantity_reduced",
        });
      }
    }
    await enqueue(tx, "realtime.group", { groupId: group.id });
    return { share: changed ?? share, payment, group: updated };
  });
  const payment = outcome.payment
    ? await openCheckout(ctx, outcome.payment, checkoutDescription(outcome.group, quantity), via)
    : null;
  const [fresh] = await ctx.db
    .select()
    .from(participations)
    .where(eq(participations.id, participationId));
  return {
    participation: presentParticipation(fresh ?? outcome.share),
    payment: payment ? presentPaymentSession(payment, outcome.share.holdExpiresAt) : null,
  };
}

/** Leaves a group before it closes: a reservation is released, a paid share refunded in full. */
export async function leaveGroup(ctx: AppContext, actor: Actor, participationId: string) {
  return ctx.db.transaction(async (tx) => {
    const share = await lockOwnShare(tx, actor, participationId);
    const group = await findGroup(tx, share.groupId);
    if (group?.status !== "open" || (share.status !== "reserved" && share.status !== "paid")) {
      throw new AppError("invalid_transition", "You can only leave while the group is open");
    }
    if (share.status === "reserved") {
      await tx
        .update(groups)
        .set({ heldQty: sql`${groups.heldQty} - ${share.quantity}` })
        .where(eq(groups.id, group.id));
      await tx
        .update(participations)
        .set({ status: "cancelled", updatedAt: sql`now()` })
        .where(eq(participations.id, share.id));
      await tx
        .update(payments)
        .set({ status: "cancelled", updatedAt: sql`now()` })
        .where(and(eq(payments.participationId, share.id), eq(payments.status, "pending")));
    } else {
      const [updated] = await tx
        .update(groups)
        .set({
          paidQty: sql`${groups.paidQty} - ${share.quantity}`,
          paidParticipants: sql`${groups.paidParticipants} - 1`,
        })
        .where(eq(groups.id, group.id))
        .returning();
      if (updated) {
        await repriceGroup(tx, updated);
      }
      const captured = await capturedPaymentOf(tx, share.id);
      const owed = share.amountPaid - share.amountRefunded;
      if (captured && owed > 0) {
        await createRefund(tx, {
          paymentId: captured.id,
          participationId: share.id,
          traderId: actor.id,
          groupId: group.id,
          amount: owed,
          currency: group.currency,
          reason: "trader_left",
        });
      }
      await tx
        .update(participations)
        .set({ status: "refunded", updatedAt: sql`now()` })
        .where(eq(participations.id, share.id));
    }
    await enqueue(tx, "realtime.group", { groupId: group.id });
    const [fresh] = await tx.select().from(participations).where(eq(participations.id, share.id));
    return presentParticipation(fresh ?? share);
  });
}

/** Keeps the price in force in step with the paid quantity. */
export async function repriceGroup(tx: DbOrTx, group: GroupRow): Promise<void> {
  await tx
    .update(groups)
    .set({ currentUnitPrice: priceForQuantity(group.tiers, group.paidQty), updatedAt: sql`now()` })
    .where(eq(groups.id, group.id));
}
