import type { TReceiveDelivery } from "@cs/contracts";
import { orderDrops } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findMedia, type StoredMedia, storeImage } from "../../platform/media.ts";
import { enqueue } from "../../platform/outbox.ts";
import { settleIfAllReceived } from "../fulfilment/completion.ts";
import { addCollectable, openDispute } from "../fulfilment/disputes.ts";
import { DELIVERY_PHOTO } from "../fulfilment/presenter.ts";
import { lockOrder } from "../fulfilment/repo.ts";
import { sharesAwaitingGoods } from "../groups/fulfilment-states.ts";
import { issueCredentials } from "./credentials.ts";
import { agentPickupPoint } from "./repo.ts";

/**
 * Keeps the agent's photo of a delivery their point has still to check in (the quality check
 * sends its id). Only an agent of a point the order delivers to may upload one.
 */
export async function uploadDeliveryPhoto(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  upload: { contentType: string | undefined; body: unknown },
): Promise<StoredMedia> {
  const pickupPointId = await agentPickupPoint(ctx.db, actor.id);
  const [drop] = await ctx.db
    .select({ status: orderDrops.status })
    .from(orderDrops)
    .where(and(eq(orderDrops.orderId, orderId), eq(orderDrops.pickupPointId, pickupPointId)));
  if (!drop) {
    throw new AppError("not_found", "No such delivery at your pickup point");
  }
  if (drop.status !== "pending") {
    throw new AppError("delivery_already_received");
  }
  return storeImage(ctx.db, {
    purpose: DELIVERY_PHOTO,
    subjectId: orderId,
    uploadedBy: actor.id,
    declaredType: upload.contentType,
    data: upload.body,
  });
}

/** The photo named by a check-in: this agent's, of this order, or refused. */
async function deliveryPhoto(ctx: AppContext, actor: Actor, orderId: string, photoId: string) {
  const photo = await findMedia(ctx.db, photoId);
  if (
    !photo ||
    photo.purpose !== DELIVERY_PHOTO ||
    photo.subjectId !== orderId ||
    photo.uploadedBy !== actor.id
  ) {
    throw new AppError("unknown_reference", "No such photo of this delivery; upload it first");
  }
  return photo.id;
}

/**
 * The agent checks in their pickup point's part of an order with a quality check. In full: the
 * traders there get their credentials at once (and the group is `delivered` once every point has
 * its goods). Short: a dispute for admins, and the traders there are told by SMS; their
 * credentials wait for the admin's decision. One transaction; checking in twice is refused.
 */
export async function receiveDelivery(
  ctx: AppContext,
  actor: Actor,
  orderId: string,
  input: TReceiveDelivery,
  requestId: string,
): Promise<{ issued: number; disputeId: string | null }> {
  const pickupPointId = await agentPickupPoint(ctx.db, actor.id);
  const photoId = input.photoId ? await deliveryPhoto(ctx, actor, orderId, input.photoId) : null;
  return ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    const [drop] = order
      ? await tx
          .select()
          .from(orderDrops)
          .where(and(eq(orderDrops.orderId, order.id), eq(orderDrops.pickupPointId, pickupPointId)))
          .for("update")
      : [];
    if (!order || !drop) {
      throw new AppError("not_found", "No such delivery at your pickup point");
    }
    if (drop.status !== "pending") {
      throw new AppError("delivery_already_received");
    }
    if (!["accepted", "dispatched", "delivered"].includes(order.status)) {
      throw new AppError("invalid_transition", `A ${order.status} order cannot be checked in`);
    }
    const full = input.receivedQty >= drop.quantity;
    await tx
      .update(orderDrops)
      .set({
        status: full ? "received" : "short",
        receivedQty: input.receivedQty,
        condition: input.condition,
        notes: input.notes ?? null,
        photoRef: photoId,
        receivedBy: actor.id,
        receivedAt: sql`now()`,
      })
      .where(and(eq(orderDrops.orderId, order.id), eq(orderDrops.pickupPointId, pickupPointId)));
    await audit(tx, {
      actorId: actor.id,
      action: "delivery.received",
      subjectType: "supplier_order",
      subjectId: order.id,
      data: { pickupPointId, ordered: drop.quantity, ...input },
      requestId,
    });
    if (!full) {
      const disputeId = await openDispute(tx, {
        kind: "short_delivery",
        groupId: order.groupId,
        orderId: order.id,
        pickupPointId,
        details: {
          ordered: drop.quantity,
          received: input.receivedQty,
          condition: input.condition,
          notes: input.notes ?? null,
          photoId,
        },
      });
      await enqueue(tx, "pickup.short_delivery", { disputeId });
      return { issued: 0, disputeId };
    }
    const shares = await sharesAwaitingGoods(tx, order.groupId, pickupPointId);
    const { issued, expiresAt } = await issueCredentials(tx, ctx, {
      orderId: order.id,
      pickupPointId,
      shares,
    });
    await addCollectable(
      tx,
      order.id,
      shares.reduce((sum, s) => sum + s.quantity, 0),
      expiresAt,
    );
    await settleIfAllReceived(tx, ctx, order.id);
    return { issued, disputeId: null };
  });
}
