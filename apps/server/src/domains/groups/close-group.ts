import { type DbOrTx, groups, participations, payments, queryRows } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { enqueueChatSystem } from "../chat/events.ts";
import { accounts, commission, post } from "../payments/ledger.ts";
import { capturedPaymentOf, createRefund } from "../payments/refunds.ts";
import { lockManagedGroup } from "./policy.ts";
import type { GroupRow } from "./presenter.ts";
import { priceForQuantity, settledAmount } from "./tiers.ts";

/** Releases every unpaid reservation of a group that is closing. */
async function releaseReservations(tx: DbOrTx, group: GroupRow): Promise<void> {
  const released = await tx
    .update(participations)
    .set({ status: "lapsed", updatedAt: sql`now()` })
    .where(and(eq(participations.groupId, group.id), eq(participations.status, "reserved")))
    .returning({ id: participations.id });
  if (released.length > 0) {
    await tx
      .update(payments)
      .set({ status: "expired", updatedAt: sql`now()` })
      .where(
        and(
          inArray(
            payments.participationId,
            released.map((r) => r.id),
          ),
          eq(payments.status, "pending"),
        ),
      );
  }
}

/** Refunds every paid share in full and marks it refunded (expired or cancelled groups, and funded groups whose supplier will not supply). */
export async function refundEveryone(
  tx: DbOrTx,
  group: GroupRow,
  reason: "group_expired" | "group_cancelled",
): Promise<void> {
  const paid = await tx
    .select()
    .from(participations)
    .where(and(eq(participations.groupId, group.id), eq(participations.status, "paid")));
  for (const share of paid) {
    const owed = share.amountPaid - share.amountRefunded;
    const captured = await capturedPaymentOf(tx, share.id);
    if (captured && owed > 0) {
      await createRefund(tx, {
        paymentId: captured.id,
        participationId: share.id,
        traderId: share.traderId,
        groupId: group.id,
        amount: owed,
        currency: group.currency,
        reason,
      });
    }
    await tx
      .update(participations)
      .set({ status: "refunded", updatedAt: sql`now()` })
      .where(eq(participations.id, share.id));
  }
}

/**
 * Closes one group whose deadline has passed, in one transaction: reservations lapse; with the
 * MOQ met it is funded (everyone pays the final tier price, differences refunded, escrow moved to
 * the supplier's payable less the commission); otherwise it expires and everyone is refunded.
 * Returns null when another worker has it or it is not due.
 */
export async function closeGroupIfDue(
  ctx: AppContext,
  groupId: string,
): Promise<"funded" | "expired" | null> {
  return ctx.db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(groups)
      .where(
        and(eq(groups.id, groupId), eq(groups.status, "open"), sql`${groups.deadline} <= now()`),
      )
      .for("update", { skipLocked: true });
    if (!group) {
      return null;
    }
    await releaseReservations(tx, group);
    if (group.paidQty < group.moq) {
      await refundEveryone(tx, group, "group_expired");
      await tx
        .update(groups)
        .set({ status: "expired", heldQty: 0, closedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(groups.id, group.id));
      await audit(tx, {
        actorId: null,
        action: "group.expired",
        subjectType: "group",
        subjectId: group.id,
        data: { paidQty: group.paidQty, moq: group.moq },
      });
      await enqueue(tx, "realtime.group", { groupId: group.id });
      await enqueue(tx, "notify", { kind: "group_expired", subjectId: group.id });
      return "expired";
    }
    const finalUnitPrice = priceForQuantity(group.tiers, group.paidQty);
    const paid = await tx
      .select()
      .from(participations)
      .where(and(eq(participations.groupId, group.id), eq(participations.status, "paid")));
    let gross = 0;
    let cashDue = 0;
    for (const share of paid) {
      const due = settledAmount(
        share.quantity,
        share.unitPricePaid ?? finalUnitPrice,
        finalUnitPrice,
      );
      const held = share.amountPaid - share.amountRefunded;
      // A share paid in cash at pickup holds only its deposit (if any); the rest comes in cash.
      cashDue += Math.max(0, due - held);
      const over = held - due;
      const captured = await capturedPaymentOf(tx, share.id);
      if (over > 0 && captured) {
        await createRefund(tx, {
          paymentId: captured.id,
          participationId: share.id,
          traderId: share.traderId,
          groupId: group.id,
          amount: over,
          currency: group.currency,
          reason: "tier_adjustment",
        });
      }
      gross += due;
    }
    const fee = commission(gross, ctx.config.commissionBps);
    await post(tx, {
      kind: "group_funded",
      referenceType: "group",
      referenceId: group.id,
      currency: group.currency,
      lines: [
        { account: accounts.escrow(group.id), amount: gross - cashDue },
        { account: accounts.cashReceivable(group.id), amount: cashDue },
        { account: accounts.supplierPayable(group.supplierId), amount: -(gross - fee) },
        { account: accounts.revenue, amount: -fee },
      ],
    });
    await tx
      .update(groups)
      .set({
        status: "funded",
        heldQty: 0,
        finalUnitPrice,
        currentUnitPrice: finalUnitPrice,
        closedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(groups.id, group.id));
    await audit(tx, {
      actorId: null,
      action: "group.funded",
      subjectType: "group",
      subjectId: group.id,
      data: { paidQty: group.paidQty, gross, fee, finalUnitPrice },
    });
    await enqueue(tx, "group.funded", { groupId: group.id });
    await enqueue(tx, "notify", { kind: "group_funded", subjectId: group.id });
    await enqueue(tx, "realtime.group", { groupId: group.id });
    await enqueueChatSystem(tx, group.id, "funded", "funded", {
      paidQty: group.paidQty,
      unitPrice: finalUnitPrice,
      currency: group.currency,
    });
    return "funded";
  });
}

/** The sweep: closes every open group whose deadline has passed. Safe on several workers. */
export async function closeDueGroups(ctx: AppContext, limit = 50): Promise<number> {
  const due = await ctx.db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.status, "open"), sql`${groups.deadline} <= now()`))
    .orderBy(groups.deadline)
    .limit(limit);
  let closed = 0;
  for (const { id } of due) {
    if (await closeGroupIfDue(ctx, id)) {
      closed += 1;
    }
  }
  return closed;
}

/** A supplier or admin calls off a draft or open group: everyone who paid is refunded. */
export async function cancelGroup(
  ctx: AppContext,
  actor: Actor,
  groupId: string,
  reason: string,
  requestId: string,
): Promise<GroupRow> {
  return ctx.db.transaction(async (tx) => {
    const group = await lockManagedGroup(tx, actor, groupId);
    if (group.status !== "open" && group.status !== "draft") {
      throw new AppError("invalid_transition", `A ${group.status} group cannot be cancelled here`);
    }
    await releaseReservations(tx, group);
    await refundEveryone(tx, group, "group_cancelled");
    const [cancelled] = await tx
      .update(groups)
      .set({
        status: "cancelled",
        heldQty: 0,
        cancelReason: reason,
        closedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(groups.id, groupId))
      .returning();
    await audit(tx, {
      actorId: actor.id,
      action: "group.cancelled",
      subjectType: "group",
      subjectId: groupId,
      data: { reason },
      requestId,
    });
    await enqueue(tx, "realtime.group", { groupId });
    return cancelled ?? group;
  });
}

/**
 * The sweep for reservations whose hold ran out unpaid: their quantity returns to the pool.
 * Claimed with SKIP LOCKED, so it is safe next to joins, payments and other workers.
 */
export async function lapseReservations(ctx: AppContext, limit = 200): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const lapsed = await queryRows<{
      id: string;
      group_id: string;
      quantity: number;
      trader_id: string;
    }>(
      tx,
      sql`update participations set status = 'lapsed', updated_at = now()
          where id in (select id from participations where status = 'reserved' and hold_expires_at <= now()
                       order by hold_expires_at limit ${limit} for update skip locked)
          returning id, group_id, quantity, trader_id`,
    );
    const byGroup = new Map<string, number>();
    for (const row of lapsed) {
      byGroup.set(row.group_id, (byGroup.get(row.group_id) ?? 0) + Number(row.quantity));
    }
    for (const [groupId, quantity] of byGroup) {
      await tx
        .update(groups)
        .set({ heldQty: sql`${groups.heldQty} - ${quantity}` })
        .where(eq(groups.id, groupId));
      await enqueue(tx, "realtime.group", { groupId });
    }
    for (const row of lapsed) {
      await enqueue(tx, "realtime.user", {
        userId: row.trader_id,
        kind: "participation",
        id: row.id,
      });
    }
    return lapsed.length;
  });
}

/**
 * expired/cancelled → refunded once every refund of the group has been sent. A group nobody paid
 * into stays expired or cancelled: there was nothing to refund.
 */
export async function markRefundedGroups(ctx: AppContext): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ctx.db,
    sql`update groups g set status = 'refunded', updated_at = now()
        where g.status in ('expired', 'cancelled')
          and exists (select 1 from refunds r join participations p on p.id = r.participation_id
                      where p.group_id = g.id)
          and not exists (select 1 from refunds r join participations p on p.id = r.participation_id
                          where p.group_id = g.id and r.status <> 'sent')
        returning g.id`,
  );
  for (const row of rows) {
    await enqueue(ctx.db, "realtime.group", { groupId: row.id });
    await enqueue(ctx.db, "notify", { kind: "group_refunded", subjectId: row.id });
  }
  return rows.length;
}
