import type { TDispute, TResolveDispute } from "@cs/contracts";
import {
  type DbOrTx,
  disputes,
  groups,
  orderDrops,
  participations,
  pickupCredentials,
  supplierOrders,
} from "@cs/db";
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { reduceShare, settledUnitPrice, sharesAwaitingGoods } from "../groups/fulfilment-states.ts";
import type { ParticipationRow } from "../groups/presenter.ts";
import { lockGroup } from "../groups/repo.ts";
import { refundUndeliveredUnits } from "../payments/settlement.ts";
import { extendCredentials, issueCredentials, pickupWindowEnd } from "../pickup/credentials.ts";
import { completeIfAllCollected, settleIfAllReceived } from "./completion.ts";
import { presentDispute, RESOLUTIONS } from "./presenter.ts";
import { type DisputeRow, lockOrder, type OrderRow } from "./repo.ts";

/** Opens a dispute for admins, in the caller's transaction. */
export async function openDispute(
  tx: DbOrTx,
  input: {
    kind: DisputeRow["kind"];
    groupId: string;
    orderId?: string | null;
    pickupPointId?: string | null;
    credentialId?: string | null;
    details: Record<string, unknown>;
  },
): Promise<string> {
  const id = newId();
  await tx.insert(disputes).values({
    id,
    kind: input.kind,
    groupId: input.groupId,
    orderId: input.orderId ?? null,
    pickupPointId: input.pickupPointId ?? null,
    credentialId: input.credentialId ?? null,
    details: input.details,
  });
  await audit(tx, {
    actorId: null,
    action: `dispute.opened`,
    subjectType: "dispute",
    subjectId: id,
    data: { kind: input.kind, groupId: input.groupId },
  });
  await enqueue(tx, "notify", { kind: "dispute_opened", subjectId: id });
  return id;
}

/** Disputes for admins, newest first, cursor by id. */
export async function listDisputes(
  db: DbOrTx,
  query: {
    status?: DisputeRow["status"];
    kind?: DisputeRow["kind"];
    cursor?: string;
    limit: number;
  },
): Promise<{ items: TDispute[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (query.status) {
    where.push(eq(disputes.status, query.status));
  }
  if (query.kind) {
    where.push(eq(disputes.kind, query.kind));
  }
  if (query.cursor) {
    where.push(lt(disputes.id, query.cursor));
  }
  const rows = await db
    .select({ dispute: disputes, groupCode: groups.code })
    .from(disputes)
    .innerJoin(groups, eq(groups.id, disputes.groupId))
    .where(and(...where))
    .orderBy(desc(disputes.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => presentDispute(r.dispute, r.groupCode)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.dispute.id ?? null) : null,
  };
}

export async function findDispute(db: DbOrTx, id: string): Promise<TDispute | undefined> {
  const [row] = await db
    .select({ dispute: disputes, groupCode: groups.code })
    .from(disputes)
    .innerJoin(groups, eq(groups.id, disputes.groupId))
    .where(eq(disputes.id, id));
  return row ? presentDispute(row.dispute, row.groupCode) : undefined;
}

/** Takes the value of `units` of a share off the order and gives it back to the trader. */
async function refundUnits(
  tx: DbOrTx,
  ctx: AppContext,
  order: OrderRow,
  share: ParticipationRow,
  units: number,
  options: { costBps: number; reason: "short_delivery" | "uncollected"; collected?: boolean },
): Promise<void> {
  const group = await lockGroup(tx, order.groupId);
  if (!group) {
    throw new Error(`group ${order.groupId} is gone`);
  }
  const moved = await refundUndeliveredUnits(tx, {
    group,
    share,
    value: units * settledUnitPrice(share, group),
    costBps: options.costBps,
    commissionBps: ctx.config.commissionBps,
    reason: options.reason,
  });
  await reduceShare(tx, share, units, options.collected ?? false);
  await tx
    .update(supplierOrders)
    .set({
      gross: sql`${supplierOrders.gross} - ${moved.gross}`,
      commission: sql`${supplierOrders.commission} - ${moved.commission}`,
      updatedAt: sql`now()`,
    })
    .where(eq(supplierOrders.id, order.id));
}

/**
 * A short delivery settled: the received units go to the earliest payers in full, the rest of
 * the shares are refunded (their value leaves the supplier's payable), and credentials are issued
 * for what is there. Or the missing units came (`redelivered`) and everyone collects in full.
 */
async function settleShortDelivery(
  tx: DbOrTx,
  ctx: AppContext,
  dispute: DisputeRow,
  resolution: "refund_shortfall" | "redelivered",
): Promise<void> {
  const order = await lockOrder(tx, dispute.orderId as string);
  const pickupPointId = dispute.pickupPointId as string;
  const [drop] = await tx
    .select()
    .from(orderDrops)
    .where(
      and(eq(orderDrops.orderId, order?.id ?? ""), eq(orderDrops.pickupPointId, pickupPointId)),
    )
    .for("update");
  if (!order || !drop || drop.status !== "short") {
    throw new AppError("invalid_transition", "This delivery is no longer short");
  }
  let available = resolution === "redelivered" ? drop.quantity : (drop.receivedQty ?? 0);
  if (resolution === "refund_shortfall") {
    for (const share of await sharesAwaitingGoods(tx, order.groupId, pickupPointId)) {
      const gets = Math.min(share.quantity, available);
      available -= gets;
      if (gets < share.quantity) {
        await refundUnits(tx, ctx, order, share, share.quantity - gets, {
          costBps: 0,
          reason: "short_delivery",
        });
      }
    }
  }
  const shares = await sharesAwaitingGoods(tx, order.groupId, pickupPointId);
  const { expiresAt } = await issueCredentials(tx, ctx, {
    orderId: order.id,
    pickupPointId,
    shares,
  });
  await tx
    .update(orderDrops)
    .set({
      status: "received",
      ...(resolution === "redelivered" ? { receivedQty: drop.quantity } : {}),
    })
    .where(and(eq(orderDrops.orderId, order.id), eq(orderDrops.pickupPointId, pickupPointId)));
  await addCollectable(
    tx,
    order.id,
    shares.reduce((sum, s) => sum + s.quantity, 0),
    expiresAt,
  );
}

/** More units at the pickup points to hand over, and the pickup window reaching `expiresAt`. */
export async function addCollectable(
  tx: DbOrTx,
  orderId: string,
  quantity: number,
  expiresAt: Date,
): Promise<void> {
  await tx
    .update(supplierOrders)
    .set({
      collectableQty: sql`${supplierOrders.collectableQty} + ${quantity}`,
      pickupClosesAt: sql`greatest(${supplierOrders.pickupClosesAt}, ${expiresAt.toISOString()}::timestamptz)`,
      updatedAt: sql`now()`,
    })
    .where(eq(supplierOrders.id, orderId));
}

/** The pickup window closed with shares uncollected: a new window, or refunds less costs. */
async function settleUncollected(
  tx: DbOrTx,
  ctx: AppContext,
  dispute: DisputeRow,
  input: TResolveDispute,
): Promise<void> {
  const order = await lockOrder(tx, dispute.orderId as string);
  if (!order) {
    throw new AppError("not_found", "No such order");
  }
  if (input.resolution === "extend") {
    const expiresAt = pickupWindowEnd(input.extendDays ?? ctx.config.pickupWindowDays);
    const extended = await extendCredentials(tx, ctx, order.groupId, expiresAt);
    await tx
      .update(supplierOrders)
      .set({ pickupClosesAt: expiresAt, updatedAt: sql`now()` })
      .where(eq(supplierOrders.id, order.id));
    for (const pickupPointId of new Set(extended.map((c) => c.pickupPointId))) {
      await enqueue(tx, "pickup.credentials_issued", { orderId: order.id, pickupPointId });
    }
    return;
  }
  const expired = await tx
    .select()
    .from(pickupCredentials)
    .where(
      and(eq(pickupCredentials.groupId, order.groupId), eq(pickupCredentials.status, "expired")),
    );
  const shares = expired.length
    ? await tx
        .select()
        .from(participations)
        .where(
          inArray(
            participations.id,
            expired.map((c) => c.participationId),
          ),
        )
    : [];
  let uncollected = 0;
  for (const credential of expired) {
    const share = shares.find((s) => s.id === credential.participationId);
    const remaining = credential.quantity - credential.collectedQty;
    if (share && remaining > 0) {
      await refundUnits(tx, ctx, order, share, remaining, {
        costBps: input.costBps ?? 0,
        reason: "uncollected",
        collected: credential.collectedQty > 0,
      });
      uncollected += remaining;
    }
    await tx
      .update(pickupCredentials)
      .set({ status: "revoked", updatedAt: sql`now()` })
      .where(eq(pickupCredentials.id, credential.id));
    await enqueue(tx, "realtime.pickup", { credentialId: credential.id });
  }
  await tx
    .update(supplierOrders)
    .set({ collectableQty: sql`${supplierOrders.collectableQty} - ${uncollected}` })
    .where(eq(supplierOrders.id, order.id));
}

/**
 * An admin settles a dispute with one of the resolutions its kind accepts; the settlement (money,
 * credentials, completion) happens in the same transaction as the dispute's resolution.
 */
export async function resolveDispute(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: TResolveDispute,
  requestId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [dispute] = await tx.select().from(disputes).where(eq(disputes.id, id)).for("update");
    if (!dispute) {
      throw new AppError("not_found", "No such dispute");
    }
    if (dispute.status !== "open") {
      throw new AppError("invalid_transition", "This dispute is already resolved");
    }
    if (!RESOLUTIONS[dispute.kind].includes(input.resolution)) {
      throw fieldError(
        "validation_failed",
        "resolution",
        `A ${dispute.kind} dispute is resolved by ${RESOLUTIONS[dispute.kind].join(" or ")}`,
      );
    }
    if (input.resolution === "refund_shortfall" || input.resolution === "redelivered") {
      await settleShortDelivery(tx, ctx, dispute, input.resolution);
    } else if (input.resolution === "extend" || input.resolution === "refund") {
      await settleUncollected(tx, ctx, dispute, input);
    }
    await tx
      .update(disputes)
      .set({
        status: "resolved",
        resolution: input.resolution,
        resolutionNote: input.note ?? null,
        resolvedBy: actor.id,
        resolvedAt: sql`now()`,
      })
      .where(eq(disputes.id, id));
    await audit(tx, {
      actorId: actor.id,
      action: "dispute.resolved",
      subjectType: "dispute",
      subjectId: id,
      data: { ...input },
      requestId,
    });
    await enqueue(tx, "notify", { kind: "dispute_resolved", subjectId: id });
    // The traders it was about hear it too, pointed at their group rather than the admins' desk.
    await enqueue(tx, "notify", { kind: "dispute_resolved", subjectId: id, variant: "traders" });
    if (dispute.orderId && dispute.kind === "short_delivery") {
      await settleIfAllReceived(tx, ctx, dispute.orderId);
    } else if (dispute.orderId && dispute.kind === "uncollected") {
      await completeIfAllCollected(tx, ctx, dispute.orderId);
    }
  });
}
