import type { TOrderStatus } from "@cs/contracts";
import { type DbOrTx, orderDrops, supplierOrders } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { cancelFundedGroup, moveGroup, sharesAwaitingGoods } from "../groups/fulfilment-states.ts";
import { lockGroup } from "../groups/repo.ts";
import { settledAmount } from "../groups/tiers.ts";
import { commission } from "../payments/ledger.ts";
import { reverseFunding } from "../payments/settlement.ts";
import { lockManagedOrder } from "./policy.ts";
import { type OrderRow, sweepOrders } from "./repo.ts";

/**
 * The `group.funded` handler: the group's supplier gets an order for what was paid (quantity,
 * final tier price, one drop per pickup point the traders chose) with a deadline to answer.
 * One transaction, idempotent: a redelivered event finds the order and changes nothing.
 */
export async function createOrderForGroup(
  ctx: AppContext,
  groupId: string,
): Promise<string | null> {
  return ctx.db.transaction(async (tx) => {
    const group = await lockGroup(tx, groupId);
    if (group?.status !== "funded") {
      return null;
    }
    const [existing] = await tx
      .select({ id: supplierOrders.id })
      .from(supplierOrders)
      .where(eq(supplierOrders.groupId, groupId));
    if (existing) {
      return existing.id;
    }
    const shares = await sharesAwaitingGoods(tx, groupId);
    if (shares.length === 0) {
      return null;
    }
    const quantity = shares.reduce((sum, s) => sum + s.quantity, 0);
    // What the traders owe at the final tier, exactly what funding moved to the supplier: money
    // in now, and the cash that shares paid at pickup will bring (not yet in `amountPaid`).
    const finalPrice = group.finalUnitPrice ?? group.currentUnitPrice;
    const gross = shares.reduce(
      (sum, s) => sum + settledAmount(s.quantity, s.unitPricePaid ?? finalPrice, finalPrice),
      0,
    );
    const id = newId();
    await tx.insert(supplierOrders).values({
      id,
      groupId,
      supplierId: group.supplierId,
      status: "pending",
      currency: group.currency,
      quantity,
      unitPrice: finalPrice,
      gross,
      commission: commission(gross, ctx.config.commissionBps),
      participantCount: shares.length,
      respondBy: sql`now() + make_interval(hours => ${ctx.config.orderResponseHours})`,
    });
    const byPoint = new Map<string, { quantity: number; participants: number }>();
    for (const share of shares) {
      const drop = byPoint.get(share.pickupPointId) ?? { quantity: 0, participants: 0 };
      byPoint.set(share.pickupPointId, {
        quantity: drop.quantity + share.quantity,
        participants: drop.participants + 1,
      });
    }
    await tx.insert(orderDrops).values(
      [...byPoint].map(([pickupPointId, drop]) => ({
        orderId: id,
        pickupPointId,
        quantity: drop.quantity,
        participantCount: drop.participants,
      })),
    );
    await audit(tx, {
      actorId: null,
      action: "order.created",
      subjectType: "supplier_order",
      subjectId: id,
      data: { groupId, quantity, gross },
    });
    await enqueue(tx, "notify", { kind: "order_new", subjectId: id });
    return id;
  });
}

/** Runs a change on an order its actor manages, refusing it unless the order is in `from`. */
async function changeManagedOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  from: readonly TOrderStatus[],
  change: (tx: DbOrTx, order: OrderRow) => Promise<void>,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const order = await lockManagedOrder(tx, actor, orderId);
    if (!from.includes(order.status)) {
      throw new AppError("invalid_transition", `A ${order.status} order cannot do that`);
    }
    await change(tx, order);
  });
}

async function setOrder(
  tx: DbOrTx,
  orderId: string,
  values: Partial<typeof supplierOrders.$inferInsert>,
): Promise<void> {
  await tx
    .update(supplierOrders)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(supplierOrders.id, orderId));
}

/** The supplier accepts before the deadline, saying when the goods will be at the pickup points. */
export async function acceptOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  deliveryDate: string,
  requestId: string,
): Promise<void> {
  await changeManagedOrder(ctx, actor, orderId, ["pending"], async (tx, order) => {
    if (order.respondBy.getTime() <= Date.now()) {
      throw new AppError("order_response_closed");
    }
    await setOrder(tx, order.id, { status: "accepted", deliveryDate, acceptedAt: new Date() });
    await moveGroup(tx, order.groupId, ["funded"], "ordered");
    await audit(tx, {
      actorId: actor.id,
      action: "order.accepted",
      subjectType: "supplier_order",
      subjectId: order.id,
      data: { deliveryDate },
      requestId,
    });
    await enqueue(tx, "notify", { kind: "order_accepted", subjectId: order.id });
  });
}

/** The supplier will not supply: the group is cancelled and everyone refunded. */
export async function rejectOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  reason: string,
  requestId: string,
): Promise<void> {
  await changeManagedOrder(ctx, actor, orderId, ["pending"], async (tx, order) => {
    await abandonOrder(tx, order, "rejected", reason, actor.id, requestId);
  });
}

/** On the way, with an optional note (vehicle, driver, waybill). */
export async function dispatchOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  trackingNote: string | undefined,
  requestId: string,
): Promise<void> {
  await changeManagedOrder(ctx, actor, orderId, ["accepted"], async (tx, order) => {
    await setOrder(tx, order.id, {
      status: "dispatched",
      trackingNote: trackingNote ?? null,
      dispatchedAt: new Date(),
    });
    await audit(tx, {
      actorId: actor.id,
      action: "order.dispatched",
      subjectType: "supplier_order",
      subjectId: order.id,
      data: { trackingNote: trackingNote ?? null },
      requestId,
    });
  });
}

/** The supplier says the goods are at the pickup point(s); the agents check them in. */
export async function markOrderDelivered(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  requestId: string,
): Promise<void> {
  await changeManagedOrder(ctx, actor, orderId, ["accepted", "dispatched"], async (tx, order) => {
    await setOrder(tx, order.id, { status: "delivered", deliveredAt: new Date() });
    await audit(tx, {
      actorId: actor.id,
      action: "order.delivered",
      subjectType: "supplier_order",
      subjectId: order.id,
      requestId,
    });
  });
}

/**
 * Ends an order that will not be supplied (rejected, or lapsed unanswered): the funding is
 * reversed into the escrow, the group cancelled and every trader refunded and told by SMS.
 */
async function abandonOrder(
  tx: DbOrTx,
  order: OrderRow,
  status: "rejected" | "lapsed",
  reason: string,
  actorId: string | null,
  requestId?: string,
): Promise<void> {
  const group = await lockGroup(tx, order.groupId);
  if (group?.status !== "funded") {
    throw new AppError("invalid_transition", "The group is no longer waiting for its supplier");
  }
  const traders = (await sharesAwaitingGoods(tx, group.id)).map((s) => s.traderId);
  await setOrder(tx, order.id, {
    status,
    rejectionReason: reason,
    closedAt: new Date(),
  });
  await reverseFunding(tx, group, order);
  await cancelFundedGroup(tx, group, reason, actorId, requestId);
  await audit(tx, {
    actorId,
    action: `order.${status}`,
    subjectType: "supplier_order",
    subjectId: order.id,
    data: { reason },
    ...(requestId ? { requestId } : {}),
  });
  await enqueue(tx, "notify", { kind: "order_rejected", subjectId: order.id, userIds: traders });
}

/**
 * The sweep for orders nobody answered by their deadline: each is lapsed and its group cancelled
 * and refunded. Claimed with SKIP LOCKED, so two workers never lapse the same order and a
 * supplier accepting at that very moment either wins or is told the time has passed.
 */
export function lapseUnansweredOrders(ctx: AppContext, limit = 20): Promise<number> {
  return sweepOrders(
    ctx.db,
    sql`${supplierOrders.status} = 'pending' and ${supplierOrders.respondBy} <= now()`,
    supplierOrders.respondBy,
    limit,
    async (tx, order) => {
      await abandonOrder(tx, order, "lapsed", "The supplier did not answer in time", null);
      return true;
    },
  );
}
