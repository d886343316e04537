import { disputes, groups, pickupCredentials, pickupPoints, supplierOrders, users } from "@cs/db";
import { and, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { sharesAwaitingGoods } from "../groups/fulfilment-states.ts";
import { announce } from "../notifications/dispatch.ts";
import { credentialRecords } from "./repo.ts";
import { shortCodeFor } from "./tokens.ts";

const harareDate = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Harare",
  day: "numeric",
  month: "short",
});

async function pointName(ctx: AppContext, id: string): Promise<string> {
  const [point] = await ctx.db
    .select({ name: pickupPoints.name })
    .from(pickupPoints)
    .where(eq(pickupPoints.id, id));
  return point?.name ?? "the pickup point";
}

/**
 * The `pickup.credentials_issued` handler: tells each trader with a live credential at the point
 * their short code, through the notifications (SMS always: it is critical; feature phones need
 * nothing else). The event key names the code and window, so a redelivered event tells nobody
 * twice and an extension tells everyone again.
 */
export async function textPickupCodes(
  ctx: AppContext,
  event: { orderId: string; pickupPointId: string },
): Promise<void> {
  const rows = await ctx.db
    .select({
      credential: pickupCredentials,
      phone: users.phone,
      language: users.language,
      code: groups.code,
    })
    .from(supplierOrders)
    .innerJoin(groups, eq(groups.id, supplierOrders.groupId))
    .innerJoin(pickupCredentials, eq(pickupCredentials.groupId, supplierOrders.groupId))
    .innerJoin(users, eq(users.id, pickupCredentials.traderId))
    .where(
      and(
        eq(supplierOrders.id, event.orderId),
        eq(pickupCredentials.pickupPointId, event.pickupPointId),
        eq(pickupCredentials.status, "live"),
      ),
    );
  const point = await pointName(ctx, event.pickupPointId);
  for (const { credential, code } of rows) {
    const shortCode = shortCodeFor(
      ctx.config.pickupCodeSecret,
      credential.id,
      credential.codeVersion,
    );
    await announce(ctx, {
      kind: "ready_for_pickup",
      eventKey: `ready_for_pickup:${credential.id}:${credential.codeVersion}:${credential.expiresAt.getTime()}`,
      link: `/groups/${credential.groupId}`,
      recipients: [
        {
          userId: credential.traderId,
          params: {
            group: code,
            point,
            code: shortCode,
            date: harareDate.format(credential.expiresAt),
          },
        },
      ],
    });
    await pushCredential(ctx, credential.id);
  }
}

/** The `pickup.short_delivery` handler: the traders waiting at that point are told. */
export async function textShortDelivery(
  ctx: AppContext,
  event: { disputeId: string },
): Promise<void> {
  const [dispute] = await ctx.db
    .select({ dispute: disputes, code: groups.code })
    .from(disputes)
    .innerJoin(groups, eq(groups.id, disputes.groupId))
    .where(eq(disputes.id, event.disputeId));
  if (!dispute?.dispute.pickupPointId) {
    return;
  }
  const shares = await sharesAwaitingGoods(
    ctx.db,
    dispute.dispute.groupId,
    dispute.dispute.pickupPointId,
  );
  if (shares.length === 0) {
    return;
  }
  const point = await pointName(ctx, dispute.dispute.pickupPointId);
  await announce(ctx, {
    kind: "short_delivery",
    eventKey: `short_delivery:${event.disputeId}`,
    link: `/groups/${dispute.dispute.groupId}`,
    recipients: shares.map((s) => ({ userId: s.traderId, params: { group: dispute.code, point } })),
  });
}

/**
 * The `realtime.pickup` handler: the trader's own room gets the credential's new state (never its
 * token or code), and the group's room the pickup progress.
 */
export async function pushCredential(ctx: AppContext, credentialId: string): Promise<void> {
  await pushCredentials(ctx, [credentialId]);
}

/** `pushCredential` for a batch of the outbox: two reads, and one progress push per group. */
export async function pushCredentials(
  ctx: AppContext,
  credentialIds: readonly string[],
): Promise<void> {
  const records = await credentialRecords(
    ctx.db,
    and(inArray(pickupCredentials.id, [...credentialIds])),
  );
  for (const { credential } of records) {
    ctx.realtime?.toUser(credential.traderId, "pickup:update", {
      credentialId: credential.id,
      participationId: credential.participationId,
      groupId: credential.groupId,
      status: credential.status,
      quantity: credential.quantity,
      collectedQty: credential.collectedQty,
      remainingQty: credential.quantity - credential.collectedQty,
      expiresAt: credential.expiresAt.toISOString(),
    });
  }
  const groupIds = [...new Set(records.map((r) => r.credential.groupId))];
  if (groupIds.length === 0) {
    return;
  }
  const orders = await ctx.db
    .select({
      groupId: supplierOrders.groupId,
      collectedQty: supplierOrders.collectedQty,
      collectableQty: supplierOrders.collectableQty,
    })
    .from(supplierOrders)
    .where(inArray(supplierOrders.groupId, groupIds));
  for (const order of orders) {
    ctx.realtime?.toGroup(order.groupId, "group:pickup", order);
  }
}
