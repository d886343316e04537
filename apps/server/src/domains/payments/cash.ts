import type { TCashDepositRule, TCashReconciliation, TCurrency } from "@cs/contracts";
import {
  cashCommitments,
  cashCounts,
  type DbOrTx,
  participations,
  paymentSettings,
  payments,
  pickupPoints,
  queryRows,
} from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { findGroup } from "../groups/repo.ts";
import { settledAmount } from "../groups/tiers.ts";
import { CASH_RULE_KEY, cashDepositRule } from "./cash-hold.ts";
import { accounts, post } from "./ledger.ts";

/** Today in Harare (UTC+2, no daylight saving), `YYYY-MM-DD`. */
export function harareDay(at: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Harare" }).format(at);
}

/** Sets the deposit rule for cash shares joined from now on; earlier shares keep theirs. */
export async function setCashDepositRule(
  ctx: AppContext,
  actor: Actor,
  rule: TCashDepositRule,
  requestId: string,
) {
  return ctx.db.transaction(async (tx) => {
    const previous = await cashDepositRule(tx);
    await tx
      .insert(paymentSettings)
      .values({ key: CASH_RULE_KEY, value: rule, updatedBy: actor.id })
      .onConflictDoUpdate({
        target: paymentSettings.key,
        set: { value: rule, updatedBy: actor.id, updatedAt: sql`now()` },
      });
    await audit(tx, {
      actorId: actor.id,
      action: "payments.cash_deposit_rule_set",
      subjectType: "payment_setting",
      subjectId: CASH_RULE_KEY,
      data: { rule, previous: previous.rule },
      requestId,
    });
    return cashDepositRule(tx);
  });
}

export interface CashAtPickup {
  participationId: string;
  /** The pickup agent who took the cash. */
  agentId: string;
  /** Where it was handed over: the share's own pickup point. */
  pickupPointId: string;
  /** What the agent took, minor units: exactly what is due (`cashDueAtPickup`). */
  amount: number;
  requestId?: string;
}

export interface CashCollected {
  paymentId: string;
  amount: number;
  currency: TCurrency;
  /** False when this handover had already been recorded (a replayed offline sync). */
  recorded: boolean;
}

type Commitment = typeof cashCommitments.$inferSelect;
type Share = typeof participations.$inferSelect;

/** What a committed cash share still owes: the final price less what it holds (its deposit). */
async function owed(tx: DbOrTx, share: Share): Promise<{ due: number; currency: TCurrency }> {
  const group = await findGroup(tx, share.groupId);
  if (!group || !["funded", "ordered", "delivered", "completed"].includes(group.status)) {
    throw new AppError("invalid_transition", "Cash is taken once the group is funded");
  }
  const final = group.finalUnitPrice ?? group.currentUnitPrice;
  const total = settledAmount(share.quantity, share.unitPricePaid ?? final, final);
  return {
    due: Math.max(0, total - (share.amountPaid - share.amountRefunded)),
    currency: group.currency,
  };
}

async function lockCashShare(tx: DbOrTx, participationId: string) {
  const [commitment] = await tx
    .select()
    .from(cashCommitments)
    .where(eq(cashCommitments.participationId, participationId))
    .for("update");
  const [share] = await tx
    .select()
    .from(participations)
    .where(eq(participations.id, participationId))
    .for("update");
  if (!commitment || !share) {
    throw new AppError("not_found", "No share paid in cash at pickup");
  }
  return { commitment, share };
}

/** What the agent should take from the trader for this share (0: nothing left to pay). */
export async function cashDueAtPickup(
  db: DbOrTx,
  participationId: string,
): Promise<{ amount: number; currency: TCurrency; status: Commitment["status"] }> {
  const [commitment] = await db
    .select()
    .from(cashCommitments)
    .where(eq(cashCommitments.participationId, participationId));
  const [share] = await db
    .select()
    .from(participations)
    .where(eq(participations.id, participationId));
  if (!commitment || !share) {
    throw new AppError("not_found", "No share paid in cash at pickup");
  }
  if (commitment.status === "collected") {
    return { amount: 0, currency: commitment.currency, status: commitment.status };
  }
  const { due, currency } = await owed(db, share);
  return { amount: due, currency, status: commitment.status };
}

/**
 * The cash a pickup agent must take at the next handover of each of these shares, by share id:
 * only shares committed to cash and not yet paid, with something left to pay. The first handover
 * of a share takes all of it, even when the trader collects in parts.
 */
export async function cashToTakeAtHandover(
  db: DbOrTx,
  participationIds: readonly string[],
): Promise<Map<string, { amount: number; currency: TCurrency }>> {
  const due = new Map<string, { amount: number; currency: TCurrency }>();
  if (participationIds.length === 0) {
    return due;
  }
  const committed = await db
    .select({ share: participations })
    .from(cashCommitments)
    .innerJoin(participations, eq(participations.id, cashCommitments.participationId))
    .where(
      and(
        inArray(cashCommitments.participationId, [...participationIds]),
        eq(cashCommitments.status, "committed"),
      ),
    );
  for (const { share } of committed) {
    const { due: amount, currency } = await owed(db, share);
    if (amount > 0) {
      due.set(share.id, { amount, currency });
    }
  }
  return due;
}

/**
 * Records the cash a pickup agent took at handover (for the pickup flow of fulfilment), in the
 * caller's transaction when given one: a succeeded `cash` payment, the share's paid amount, the
 * ledger move from the group's cash receivable to the pickup point's cash, the commitment
 * closed, the audit row. The amount must be exactly what is due. Recording the same handover
 * again (an offline sync replayed) changes nothing.
 */
export async function recordCashAtPickup(
  ctx: AppContext,
  input: CashAtPickup,
  tx?: DbOrTx,
): Promise<CashCollected> {
  if (!tx) {
    return ctx.db.transaction((inner) => recordCashAtPickup(ctx, input, inner));
  }
  const { commitment, share } = await lockCashShare(tx, input.participationId);
  if (commitment.status === "collected" && commitment.cashPaymentId) {
    if (commitment.collectedAmount !== input.amount) {
      throw new AppError("cash_amount_mismatch", "This handover was recorded with another amount");
    }
    return {
      paymentId: commitment.cashPaymentId,
      amount: input.amount,
      currency: commitment.currency,
      recorded: false,
    };
  }
  if (commitment.status !== "committed") {
    throw new AppError(
      "invalid_transition",
      commitment.status === "awaiting_deposit"
        ? "The deposit of this share was never paid"
        : "This share is not paid in cash",
    );
  }
  if (share.pickupPointId !== input.pickupPointId) {
    throw new AppError("invalid_transition", "This share is collected at another pickup point");
  }
  if (!["paid", "ready_for_pickup", "collected"].includes(share.status)) {
    throw new AppError("invalid_transition", `A ${share.status} share is not collected`);
  }
  const { due, currency } = await owed(tx, share);
  if (input.amount !== due) {
    throw new AppError("cash_amount_mismatch", `Due in cash: ${due} (minor units, ${currency})`);
  }
  const paymentId = await cashPayment(tx, share, due, currency);
  await tx
    .update(participations)
    .set({ amountPaid: sql`${participations.amountPaid} + ${due}`, updatedAt: sql`now()` })
    .where(eq(participations.id, share.id));
  await post(tx, {
    kind: "cash_collected",
    referenceType: "payment",
    referenceId: paymentId,
    currency,
    lines: [
      { account: accounts.cash(share.pickupPointId), amount: due },
      { account: accounts.cashReceivable(share.groupId), amount: -due },
    ],
  });
  await tx
    .update(cashCommitments)
    .set({
      status: "collected",
      cashPaymentId: paymentId,
      collectedAmount: due,
      collectedBy: input.agentId,
      collectedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(cashCommitments.participationId, share.id));
  await audit(tx, {
    actorId: input.agentId,
    action: "cash.collected",
    subjectType: "participation",
    subjectId: share.id,
    data: { amount: due, currency, pickupPointId: share.pickupPointId, paymentId },
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
  await enqueue(tx, "realtime.user", { userId: share.traderId, kind: "payment", id: paymentId });
  return { paymentId, amount: due, currency, recorded: true };
}

/** The share's cash payment, succeeded: the one waiting since the join, or a new one. */
async function cashPayment(
  tx: DbOrTx,
  share: Share,
  amount: number,
  currency: TCurrency,
): Promise<string> {
  const done = {
    provider: "cash",
    method: "cash" as const,
    purpose: "cash_at_pickup" as const,
    status: "succeeded" as const,
    amount,
    succeededAt: sql`now()`,
    updatedAt: sql`now()`,
  };
  const [waiting] = await tx
    .update(payments)
    .set(done)
    .where(
      and(
        eq(payments.participationId, share.id),
        eq(payments.provider, "cash"),
        eq(payments.status, "pending"),
      ),
    )
    .returning({ id: payments.id });
  if (waiting) {
    return waiting.id;
  }
  const id = newId();
  await tx.insert(payments).values({
    ...done,
    id,
    participationId: share.id,
    traderId: share.traderId,
    groupId: share.groupId,
    currency,
    unitPrice: share.unitPricePaid ?? 0,
  });
  return id;
}

/** Cash counted at a pickup point at the end of a day (a new count of the same day replaces it). */
export async function recordCashCount(
  ctx: AppContext,
  actor: Actor,
  input: {
    pickupPointId: string;
    day: string;
    currency: TCurrency;
    countedAmount: number;
    note?: string | undefined;
  },
  requestId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [point] = await tx
      .select({ id: pickupPoints.id })
      .from(pickupPoints)
      .where(eq(pickupPoints.id, input.pickupPointId));
    if (!point) {
      throw new AppError("unknown_reference", "No such pickup point");
    }
    const values = {
      countedAmount: input.countedAmount,
      countedBy: actor.id,
      note: input.note ?? null,
    };
    await tx
      .insert(cashCounts)
      .values({ id: newId(), ...input, ...values })
      .onConflictDoUpdate({
        target: [cashCounts.pickupPointId, cashCounts.day, cashCounts.currency],
        set: { ...values, createdAt: sql`now()` },
      });
    await audit(tx, {
      actorId: actor.id,
      action: "cash.counted",
      subjectType: "pickup_point",
      subjectId: input.pickupPointId,
      data: { day: input.day, currency: input.currency, counted: input.countedAmount },
      requestId,
    });
  });
}

/**
 * Cash per pickup point for one day (Africa/Harare): what agents recorded at handovers (from
 * the ledger), what was counted, and the difference.
 */
export async function cashReconciliation(
  db: DbOrTx,
  day: string,
  pickupPointId?: string,
): Promise<TCashReconciliation> {
  const collected = await queryRows<{
    pickup_point_id: string;
    currency: TCurrency;
    collections: number;
    collected: string;
  }>(
    db,
    sql`select substr(l.account, 6) as pickup_point_id, l.currency, count(*)::int as collections,
          sum(l.amount)::text as collected
        from journal_lines l join journal_entries e on e.id = l.entry_id
        where e.kind = 'cash_collected' and l.account like 'cash:%'
          and (e.created_at at time zone 'Africa/Harare')::date = ${day}::date
          ${pickupPointId ? sql`and l.account = ${accounts.cash(pickupPointId)}` : sql``}
        group by 1, 2`,
  );
  const counted = await db
    .select()
    .from(cashCounts)
    .where(
      and(
        eq(cashCounts.day, day),
        pickupPointId ? eq(cashCounts.pickupPointId, pickupPointId) : undefined,
      ),
    );
  const keys = new Map<string, { pickupPointId: string; currency: TCurrency }>();
  for (const row of collected) {
    keys.set(`${row.pickup_point_id}:${row.currency}`, {
      pickupPointId: row.pickup_point_id,
      currency: row.currency,
    });
  }
  for (const row of counted) {
    keys.set(`${row.pickupPointId}:${row.currency}`, row);
  }
  const ids = [...new Set([...keys.values()].map((k) => k.pickupPointId))];
  const names = new Map(
    ids.length === 0
      ? []
      : (
          await db
            .select({ id: pickupPoints.id, name: pickupPoints.name })
            .from(pickupPoints)
            .where(inArray(pickupPoints.id, ids))
        ).map((p) => [p.id, p.name]),
  );
  const items = [...keys.values()].map(({ pickupPointId: id, currency }) => {
    const recorded = collected.find((r) => r.pickup_point_id === id && r.currency === currency);
    const count = counted.find((r) => r.pickupPointId === id && r.currency === currency);
    const sum = Number(recorded?.collected ?? 0);
    return {
      pickupPointId: id,
      pickupPointName: names.get(id) ?? id,
      currency,
      collections: recorded?.collections ?? 0,
      collected: sum,
      counted: count?.countedAmount ?? null,
      difference: count ? count.countedAmount - sum : null,
    };
  });
  items.sort((a, b) => a.pickupPointName.localeCompare(b.pickupPointName));
  return { day, items };
}
