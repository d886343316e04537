import type { TJoinGroupRequest, TJoinGroupResponse } from "@cs/contracts";
import { type DbOrTx, groups, isUniqueViolation, participations, payments } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import {
  type CheckoutContext,
  createPendingPayment,
  openCheckout,
  type PaymentRow,
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
  if (group?.status !== "open" || group.deadline.getTime() <= Date.now()) {
    return new AppError("group_not_open");
  }
  const left =
    group.cap === null ? quantity : Math.max(0, group.cap - group.heldQty - group.paidQty);
  return new AppError("group_full", `Only ${left} left`, {
    errors: [{ path: "quantity", message: `at most ${left}` }],
  });
}

function checkoutDescription(group: GroupRow, quantity: number): string {
  return `${quantity} × ${group.display.product.name} (${group.display.product.unit}) · group ${group.code}`;
}

/**
 * Joins a group: reserves the quantity for the hold time and opens a checkout. The cap holds
 * under any concurrency because the reservation is one conditional UPDATE
 * (`held + paid + q <= cap`), checked by the database against the row it locks.
 */
export async function joinGroup(
  ctx: AppContext,
  actor: Actor,
  groupId: string,
  input: {
    quantity: number;
    pickupPointId?: string | undefined;
    method?: TJoinGroupRequest["method"];
  },
  via: CheckoutContext = {},
): Promise<TJoinGroupResponse> {
  const group = await findGroup(ctx.db, groupId);
  if (!group || group.status === "draft") {
    throw new AppError("not_found", "No such group");
  }
  if (group.status !== "open" || group.deadline.getTime() <= Date.now()) {
    throw new AppError("group_not_open");
  }
  checkQuantity(group, input.quantity);
  const pickupPointId = input.pickupPointId ?? group.display.pickupPoints[0]?.id;
  if (!pickupPointId || !group.display.pickupPoints.some((p) => p.id === pickupPointId)) {
    throw new AppError("unknown_reference", "Pick one of this group's pickup points", {
      errors: [{ path: "pickupPointId", message: "not a pickup point of this group" }],
    });
  }
  const q = input.quantity;
  let result: { share: ParticipationRow; payment: PaymentRow; group: GroupRow };
  try {
    result = await ctx.db.transaction(async (tx) => {
      // The share and its payment first, the conditional reservation last: the hot group row is
      // then locked only from that one statement to the commit.
      const [share] = await tx
        .insert(participations)
        .values({
          id: newId(),
          groupId,
          traderId: actor.id,
          quantity: q,
          status: "reserved",
          pickupPointId,
          currency: group.currency,
          holdExpiresAt: sql`now() + make_interval(mins => ${ctx.config.reservationHoldMinutes})`,
        })
        .returning();
      if (!share) {
        throw new Error("insert returned no row");
      }
      // The price in force as the checkout opens; the close settles everyone at the final tier.
      const payment = await createPendingPayment(tx, ctx, {
        participationId: share.id,
        traderId: actor.id,
        groupId,
        quantity: q,
        unitPrice: group.currentUnitPrice,
        currency: group.currency,
        method: input.method,
        fresh: true,
      });
      const [reserved] = await tx
        .update(groups)
        .set({ heldQty: sql`${groups.heldQty} + ${q}` })
        .where(
          and(
            eq(groups.id, groupId),
            eq(groups.status, "open"),
            sql`${groups.deadline} > now()`,
            sql`(${groups.cap} is null or ${groups.heldQty} + ${groups.paidQty} + ${q} <= ${groups.cap})`,
          ),
        )
        .returning(groupColumns);
      if (!reserved) {
        throw await refusal(tx, groupId, q);
      }
      return { share, payment, group: reserved };
    });
  } catch (error) {
    if (isUniqueViolation(error, "participations_active_key")) {
      throw new AppError("already_joined");
    }
    throw error;
  }
  const payment = await openCheckout(
    ctx,
    result.payment,
    checkoutDescription(result.group, q),
    via,
  );
  return {
    participation: presentParticipation(result.share),
    payment: presentPaymentSession(payment, result.share.holdExpiresAt),
  };
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
  method: TJoinGroupRequest["method"],
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
      method,
    });
    return { share, payment, group };
  });
  const opened = await openCheckout(ctx, payment, checkoutDescription(group, share.quantity), via);
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
