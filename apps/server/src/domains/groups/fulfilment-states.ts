import type { TGroupStatus } from "@cs/contracts";
import { type DbOrTx, groups, participations } from "@cs/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import { enqueue } from "../../platform/outbox.ts";
import { enqueueChatSystem } from "../chat/events.ts";
import { refundEveryone } from "./close-group.ts";
import type { GroupRow, ParticipationRow } from "./presenter.ts";
import { groupColumns } from "./repo.ts";

/**
 * The group side of fulfilment: the transitions after `funded` (ordered, delivered, completed,
 * or cancelled when the supplier will not supply) and the shares' pickup states. The fulfilment
 * and pickup domains call these; they never write the groups' tables themselves.
 */

/** Moves a group from one of `from` to `to` (a conditional update); undefined if it was not there. */
export async function moveGroup(
  tx: DbOrTx,
  groupId: string,
  from: readonly TGroupStatus[],
  to: TGroupStatus,
): Promise<GroupRow | undefined> {
  const [row] = await tx
    .update(groups)
    .set({ status: to, updatedAt: sql`now()` })
    .where(and(eq(groups.id, groupId), inArray(groups.status, [...from])))
    .returning(groupColumns);
  if (row) {
    await enqueue(tx, "realtime.group", { groupId });
    if (to === "delivered") {
      await enqueueChatSystem(tx, groupId, "delivered", "delivered");
    }
  }
  return row;
}

/**
 * A funded group whose supplier rejected the order or never answered: every trader is refunded
 * in full from the escrow (the caller has reversed the funding into it first).
 */
export async function cancelFundedGroup(
  tx: DbOrTx,
  group: GroupRow,
  reason: string,
  actorId: string | null,
  requestId?: string,
): Promise<void> {
  await refundEveryone(tx, group, "group_cancelled");
  await tx
    .update(groups)
    .set({ status: "cancelled", cancelReason: reason, updatedAt: sql`now()` })
    .where(eq(groups.id, group.id));
  await audit(tx, {
    actorId,
    action: "group.cancelled",
    subjectType: "group",
    subjectId: group.id,
    data: { reason, after: "funded" },
    ...(requestId ? { requestId } : {}),
  });
  await enqueue(tx, "realtime.group", { groupId: group.id });
}

/** The paid shares of a group (at one pickup point), earliest payers first. */
export async function sharesAwaitingGoods(
  tx: DbOrTx,
  groupId: string,
  pickupPointId?: string,
): Promise<ParticipationRow[]> {
  return tx
    .select()
    .from(participations)
    .where(
      and(
        eq(participations.groupId, groupId),
        eq(participations.status, "paid"),
        pickupPointId ? eq(participations.pickupPointId, pickupPointId) : undefined,
      ),
    )
    .orderBy(asc(participations.paidAt), asc(participations.id));
}

/** Shares whose goods are at the pickup point: paid → ready_for_pickup. */
export async function markSharesReady(tx: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  await tx
    .update(participations)
    .set({ status: "ready_for_pickup", updatedAt: sql`now()` })
    .where(and(inArray(participations.id, ids), eq(participations.status, "paid")));
}

/** A share handed over in full: ready_for_pickup → collected. */
export async function markShareCollected(tx: DbOrTx, id: string): Promise<void> {
  await markSharesCollected(tx, [id]);
}

/** Several shares collected at once (a batch of handovers). */
export async function markSharesCollected(tx: DbOrTx, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) {
    await tx
      .update(participations)
      .set({ status: "collected", updatedAt: sql`now()` })
      .where(
        and(inArray(participations.id, [...ids]), eq(participations.status, "ready_for_pickup")),
      );
  }
}

/**
 * A share that will get `units` fewer (not delivered, not collected): its quantity drops, or it
 * is refunded when nothing is left. `collected` says the trader already has the rest. The money
 * moves are the caller's.
 */
export async function reduceShare(
  tx: DbOrTx,
  share: ParticipationRow,
  units: number,
  collected = false,
): Promise<void> {
  const left = share.quantity - units;
  await tx
    .update(participations)
    .set(
      left > 0
        ? {
            quantity: left,
            ...(collected ? { status: "collected" as const } : {}),
            updatedAt: sql`now()`,
          }
        : { status: "refunded", updatedAt: sql`now()` },
    )
    .where(eq(participations.id, share.id));
  await enqueue(tx, "realtime.user", {
    userId: share.traderId,
    kind: "participation",
    id: share.id,
  });
}

/** The unit price a paid share settled at: the final tier, or what the trader paid if lower. */
export function settledUnitPrice(share: ParticipationRow, group: GroupRow): number {
  const final = group.finalUnitPrice ?? group.currentUnitPrice;
  return Math.min(share.unitPricePaid ?? final, final);
}
