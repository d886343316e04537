import { type DbOrTx, disputes, orderDrops, pickupCredentials, supplierOrders } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { AppContext } from "../../platform/context.ts";
import { enqueue } from "../../platform/outbox.ts";
import { moveGroup } from "../groups/fulfilment-states.ts";
import { releasePayable } from "../payments/settlement.ts";
import { openDispute } from "./disputes.ts";
import { issueInvoice } from "./invoices.ts";
import { lockOrder, type OrderRow, sweepOrders } from "./repo.ts";

/**
 * Once every drop of an order is checked in (in full, or short and settled by an admin) the order
 * is `received` and its group `delivered`. A group with nothing left to collect completes at once.
 */
export async function settleIfAllReceived(
  tx: DbOrTx,
  ctx: AppContext,
  orderId: string,
): Promise<void> {
  const open = await tx
    .select({ status: orderDrops.status })
    .from(orderDrops)
    .where(and(eq(orderDrops.orderId, orderId), inArray(orderDrops.status, ["pending", "short"])));
  if (open.length > 0) {
    return;
  }
  const [order] = await tx
    .update(supplierOrders)
    .set({ status: "received", receivedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(supplierOrders.id, orderId),
        inArray(supplierOrders.status, ["accepted", "dispatched", "delivered"]),
      ),
    )
    .returning();
  if (order) {
    await moveGroup(tx, order.groupId, ["ordered"], "delivered");
    await completeIfAllCollected(tx, ctx, order.id);
  }
}

/**
 * Completes the order's group when every collectable unit has been handed over and nothing is
 * left for an admin to decide. Called by each handover and each settlement, in their transaction.
 */
export async function completeIfAllCollected(
  tx: DbOrTx,
  ctx: AppContext,
  orderId: string,
): Promise<boolean> {
  const order = await lockOrder(tx, orderId);
  if (
    order?.status !== "received" ||
    order.closedAt !== null ||
    order.collectedQty < order.collectableQty
  ) {
    return false;
  }
  const [live] = await tx
    .select({ id: pickupCredentials.id })
    .from(pickupCredentials)
    .where(
      and(
        eq(pickupCredentials.groupId, order.groupId),
        inArray(pickupCredentials.status, ["live", "expired"]),
      ),
    )
    .limit(1);
  const [pending] = await tx
    .select({ id: disputes.id })
    .from(disputes)
    .where(
      and(
        eq(disputes.orderId, order.id),
        eq(disputes.status, "open"),
        inArray(disputes.kind, ["short_delivery", "uncollected"]),
      ),
    )
    .limit(1);
  if (live || pending) {
    return false;
  }
  await completeOrder(tx, ctx, order);
  return true;
}

/**
 * The end of a group buy: the group is completed, what the supplier is owed for it becomes
 * releasable in the ledger, and the order's invoice is issued (its number taken in this same
 * transaction, so numbers have no gaps).
 */
async function completeOrder(tx: DbOrTx, ctx: AppContext, order: OrderRow): Promise<void> {
  await tx
    .update(supplierOrders)
    .set({ closedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(supplierOrders.id, order.id));
  const group = await moveGroup(tx, order.groupId, ["delivered"], "completed");
  if (!group) {
    throw new Error(`group ${order.groupId} of order ${order.id} is not delivered`);
  }
  const net = order.gross - order.commission;
  await releasePayable(tx, group, net);
  await issueInvoice(tx, ctx, order.id);
  await audit(tx, {
    actorId: null,
    action: "group.completed",
    subjectType: "group",
    subjectId: group.id,
    data: { orderId: order.id, net, collectedQty: order.collectedQty },
  });
}

/**
 * The sweep for pickup windows that have closed: live credentials expire; a group whose goods
 * were all collected completes; otherwise admins get an `uncollected` dispute to extend the
 * window or refund the rest. Claimed with SKIP LOCKED; safe on several workers and idempotent.
 */
export function closePickupWindows(ctx: AppContext, limit = 20): Promise<number> {
  return sweepOrders(
    ctx.db,
    sql`${supplierOrders.status} = 'received' and ${supplierOrders.closedAt} is null
        and ${supplierOrders.pickupClosesAt} <= now()
        and not exists (select 1 from disputes d where d.order_id = ${supplierOrders.id}
              and d.kind = 'uncollected' and d.status = 'open')`,
    supplierOrders.pickupClosesAt,
    limit,
    async (tx, order) => {
      const expired = await tx
        .update(pickupCredentials)
        .set({ status: "expired", updatedAt: sql`now()` })
        .where(
          and(
            eq(pickupCredentials.groupId, order.groupId),
            eq(pickupCredentials.status, "live"),
            sql`${pickupCredentials.expiresAt} <= now()`,
          ),
        )
        .returning();
      for (const credential of expired) {
        await enqueue(tx, "realtime.pickup", { credentialId: credential.id });
      }
      if (await completeIfAllCollected(tx, ctx, order.id)) {
        return true;
      }
      const [open] = await tx
        .select({ id: disputes.id })
        .from(disputes)
        .where(
          and(
            eq(disputes.orderId, order.id),
            eq(disputes.kind, "uncollected"),
            eq(disputes.status, "open"),
          ),
        );
      const [stillLive] = await tx
        .select({ id: pickupCredentials.id })
        .from(pickupCredentials)
        .where(
          and(eq(pickupCredentials.groupId, order.groupId), eq(pickupCredentials.status, "live")),
        )
        .limit(1);
      if (!open && !stillLive) {
        const uncollected = await tx
          .select()
          .from(pickupCredentials)
          .where(
            and(
              eq(pickupCredentials.groupId, order.groupId),
              eq(pickupCredentials.status, "expired"),
            ),
          );
        await openDispute(tx, {
          kind: "uncollected",
          groupId: order.groupId,
          orderId: order.id,
          details: {
            credentials: uncollected.map((c) => ({
              id: c.id,
              pickupPointId: c.pickupPointId,
              remainingQty: c.quantity - c.collectedQty,
            })),
            uncollectedQty: order.collectableQty - order.collectedQty,
          },
        });
      }
      return true;
    },
  );
}
