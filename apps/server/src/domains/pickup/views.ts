import type { TMyPickup, ZPickupDelivery } from "@cs/contracts";
import {
  type DbOrTx,
  groups,
  orderDrops,
  pickupCredentials,
  pickupPoints,
  supplierOrders,
  suppliers,
} from "@cs/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { secretsOf } from "./credentials.ts";
import { credentialRecords } from "./repo.ts";

/** A trader's pickup credentials, newest first, with the QR token and short code while live. */
export async function listMyPickups(ctx: AppContext, traderId: string): Promise<TMyPickup[]> {
  const records = await credentialRecords(ctx.db, and(eq(pickupCredentials.traderId, traderId)));
  const pointIds = [...new Set(records.map((r) => r.credential.pickupPointId))];
  const points = pointIds.length
    ? await ctx.db.select().from(pickupPoints).where(inArray(pickupPoints.id, pointIds))
    : [];
  return records.reverse().map(({ credential, group }) => {
    const point = points.find((p) => p.id === credential.pickupPointId);
    return {
      credentialId: credential.id,
      participationId: credential.participationId,
      group: { id: group.id, code: group.code, title: group.title },
      product: { name: group.display.product.name, unit: group.display.product.unit },
      pickupPoint: {
        id: credential.pickupPointId,
        name: point?.name ?? "",
        address: point?.address ?? "",
        hours: point?.hours ?? "",
      },
      quantity: credential.quantity,
      collectedQty: credential.collectedQty,
      remainingQty: credential.quantity - credential.collectedQty,
      status: credential.status,
      expiresAt: credential.expiresAt.toISOString(),
      ...secretsOf(ctx, credential),
    };
  });
}

type Delivery = z.infer<typeof ZPickupDelivery>;

/** What an agent's pickup point expects or has checked in, for accepted orders; newest first. */
export async function listDeliveries(
  db: DbOrTx,
  pickupPointId: string,
  orderId?: string,
): Promise<Delivery[]> {
  const rows = await db
    .select({
      drop: orderDrops,
      order: supplierOrders,
      group: groups,
      supplierName: suppliers.businessName,
    })
    .from(orderDrops)
    .innerJoin(supplierOrders, eq(supplierOrders.id, orderDrops.orderId))
    .innerJoin(groups, eq(groups.id, supplierOrders.groupId))
    .innerJoin(suppliers, eq(suppliers.id, supplierOrders.supplierId))
    .where(
      and(
        eq(orderDrops.pickupPointId, pickupPointId),
        inArray(supplierOrders.status, ["accepted", "dispatched", "delivered", "received"]),
        orderId ? eq(supplierOrders.id, orderId) : undefined,
      ),
    )
    .orderBy(desc(supplierOrders.id))
    .limit(100);
  return rows.map(({ drop, order, group, supplierName }) => ({
    orderId: order.id,
    orderStatus: order.status,
    group: { id: group.id, code: group.code, title: group.title },
    product: { name: group.display.product.name, unit: group.display.product.unit },
    supplierName,
    quantity: drop.quantity,
    participantCount: drop.participantCount,
    deliveryDate: order.deliveryDate,
    trackingNote: order.trackingNote,
    status: drop.status,
    receivedQty: drop.receivedQty,
    condition: drop.condition,
    receivedAt: drop.receivedAt ? drop.receivedAt.toISOString() : null,
  }));
}
