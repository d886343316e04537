import type { TNotificationKind } from "@cs/contracts";
import {
  type DbOrTx,
  disputes,
  groups,
  participations,
  payments,
  payouts,
  pickupCredentials,
  pickupPoints,
  readByIds,
  reconciliationRuns,
  supplierMembers,
  supplierOrders,
  users,
  uuidArray,
} from "@cs/db";
import { and, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import type { OutboxTopics } from "../../platform/outbox.ts";
import { formatMoney } from "../fulfilment/invoices.ts";
import type { Announcement } from "./dispatch.ts";
import type { Params } from "./templates.ts";

type Payload = OutboxTopics["notify"];
type Recipients = Announcement["recipients"];

const harareDay = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Harare",
  day: "numeric",
  month: "short",
});
const hoursUntil = (at: Date) =>
  String(Math.max(1, Math.ceil((at.getTime() - Date.now()) / 3_600_000)));

type GroupRow = typeof groups.$inferSelect;
type ShareRow = typeof participations.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;
type CollectedRow = {
  credential: typeof pickupCredentials.$inferSelect;
  code: string;
  point: string;
};

/**
 * How `resolveAnnouncement` reads the rows the busiest kinds of event name (a share, a payment,
 * a collected credential, a group): one statement each, or from what a batch read at once.
 */
export interface SubjectReads {
  share(id: string): Promise<ShareRow | undefined>;
  payment(id: string): Promise<PaymentRow | undefined>;
  collected(id: string): Promise<CollectedRow | undefined>;
  group(id: string): Promise<GroupRow | undefined>;
}

const collectedColumns = {
  credential: pickupCredentials,
  code: groups.code,
  point: pickupPoints.name,
};

function readCollected(db: DbOrTx, anyOf: SQL) {
  return db
    .select(collectedColumns)
    .from(pickupCredentials)
    .innerJoin(groups, eq(groups.id, pickupCredentials.groupId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, pickupCredentials.pickupPointId))
    .where(sql`${pickupCredentials.id} = any(${anyOf})`);
}

/** One statement per row asked for. */
export function directReads(db: DbOrTx): SubjectReads {
  const one = async <T>(rows: Promise<T[]>) => (await rows)[0];
  return {
    share: (id) => one(db.select().from(participations).where(eq(participations.id, id))),
    payment: (id) => one(db.select().from(payments).where(eq(payments.id, id))),
    collected: (id) => one(readCollected(db, uuidArray([id]))),
    group: (id) => one(db.select().from(groups).where(eq(groups.id, id))),
  };
}

/** Subjects that name a group directly (their subject id is the group's). */
const GROUP_SUBJECTS = new Set([
  "tier_dropped",
  "deadline_near",
  "group_funded",
  "group_expired",
  "group_refunded",
]);

/**
 * Reads for a batch of events: the shares, payments and collected credentials they name, then
 * every group those and the group events name, one statement each (ids as one `uuid[]`). A row
 * not read here (another kind's) is read on its own when asked for.
 */
export async function batchReads(db: DbOrTx, payloads: readonly Payload[]): Promise<SubjectReads> {
  const idsOf = (kinds: string[]) =>
    new Set(payloads.filter((p) => kinds.includes(p.kind)).map((p) => p.subjectId));
  const shareIds = idsOf(["joined"]);
  const paymentIds = idsOf(["payment_confirmed", "payment_failed"]);
  const collectedIds = idsOf(["collected"]);
  const [shares, paid, collected] = await Promise.all([
    readByIds(shareIds, (anyOf) =>
      db.select().from(participations).where(sql`${participations.id} = any(${anyOf})`),
    ),
    readByIds(paymentIds, (anyOf) =>
      db.select().from(payments).where(sql`${payments.id} = any(${anyOf})`),
    ),
    readByIds(collectedIds, (anyOf) => readCollected(db, anyOf)),
  ]);
  const groupIds = new Set([
    ...shares.map((r) => r.groupId),
    ...paid.map((r) => r.groupId),
    ...payloads.filter((p) => GROUP_SUBJECTS.has(p.kind)).map((p) => p.subjectId),
  ]);
  const groupRows = await readByIds(groupIds, (anyOf) =>
    db.select().from(groups).where(sql`${groups.id} = any(${anyOf})`),
  );
  const direct = directReads(db);
  // A row of the ids read ahead comes from the batch (absent: it is gone); any other is read alone.
  const from = <T>(
    rows: T[],
    key: (row: T) => string,
    read: Set<string>,
    alone: (id: string) => Promise<T | undefined>,
  ) => {
    const byId = new Map(rows.map((row) => [key(row), row]));
    return async (id: string) => (read.has(id) ? byId.get(id) : alone(id));
  };
  return {
    share: from(shares, (r) => r.id, shareIds, direct.share),
    payment: from(paid, (r) => r.id, paymentIds, direct.payment),
    collected: from(collected, (r) => r.credential.id, collectedIds, direct.collected),
    group: from(groupRows, (r) => r.id, groupIds, direct.group),
  };
}

/** Traders of a group in these statuses (or with money in it), each with their share. */
async function tradersOf(db: DbOrTx, groupId: string, statuses: string[] | "paid_in") {
  return db
    .select()
    .from(participations)
    .where(
      and(
        eq(participations.groupId, groupId),
        statuses === "paid_in"
          ? gt(participations.amountPaid, 0)
          : inArray(participations.status, statuses as ["paid"]),
      ),
    );
}

async function supplierTeam(db: DbOrTx, supplierId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: supplierMembers.userId })
    .from(supplierMembers)
    .where(eq(supplierMembers.supplierId, supplierId));
  return rows.map((r) => r.userId);
}

/** Admins who handle disputes and money (moderators and superadmins). */
async function operators(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: users.id, staffRole: users.staffRole })
    .from(users)
    .where(eq(users.role, "admin"));
  return rows.filter((r) => r.staffRole !== "analyst").map((r) => r.id);
}

const to = (ids: string[], params: Params): Recipients => ids.map((userId) => ({ userId, params }));

/**
 * Who hears about an event and with which values, read from the database after the change
 * committed. Null when the subject is gone or the event no longer applies.
 */
export async function resolveAnnouncement(
  ctx: AppContext,
  payload: Payload,
  reads: SubjectReads = directReads(ctx.db),
): Promise<Announcement | null> {
  const { db } = ctx;
  const { kind, subjectId } = payload;
  const base = (link: string | null, recipients: Recipients): Announcement => ({
    kind,
    eventKey: `${kind}:${subjectId}${payload.variant ? `:${payload.variant}` : ""}`,
    link,
    recipients: payload.userIds
      ? recipients.filter((r) => payload.userIds?.includes(r.userId))
      : recipients,
  });
  const groupLink = (id: string) => `/groups/${id}`;
  switch (kind as TNotificationKind) {
    case "joined": {
      const share = await reads.share(subjectId);
      const group = share && (await reads.group(share.groupId));
      if (!share || !group) {
        return null;
      }
      return base(groupLink(group.id), [
        {
          userId: share.traderId,
          params: {
            group: group.code,
            product: group.display.product.name,
            qty: String(share.quantity),
            amount: formatMoney(share.quantity * group.currentUnitPrice, group.currency),
          },
        },
      ]);
    }
    case "payment_confirmed":
    case "payment_failed": {
      const payment = await reads.payment(subjectId);
      const group = payment && (await reads.group(payment.groupId));
      if (!payment || !group) {
        return null;
      }
      return base(groupLink(group.id), [
        {
          userId: payment.traderId,
          params: { group: group.code, amount: formatMoney(payment.amount, payment.currency) },
        },
      ]);
    }
    case "tier_dropped":
    case "deadline_near":
    case "group_funded": {
      const group = await reads.group(subjectId);
      if (!group) {
        return null;
      }
      const shares = await tradersOf(
        db,
        group.id,
        kind === "group_funded" ? ["paid"] : ["reserved", "paid"],
      );
      const params: Params = {
        group: group.code,
        price: formatMoney(group.finalUnitPrice ?? group.currentUnitPrice, group.currency),
        needed: String(Math.max(0, group.moq - group.paidQty)),
        hours: hoursUntil(group.deadline),
      };
      return base(groupLink(group.id), to([...new Set(shares.map((s) => s.traderId))], params));
    }
    case "group_expired":
    case "group_refunded": {
      const group = await reads.group(subjectId);
      if (!group) {
        return null;
      }
      const shares = await tradersOf(db, group.id, "paid_in");
      return base(
        groupLink(group.id),
        shares.map((s) => ({
          userId: s.traderId,
          params: { group: group.code, amount: formatMoney(s.amountPaid, s.currency) },
        })),
      );
    }
    default:
      return resolveLater(ctx, payload, base, reads);
  }
}

/** The events after funding: orders, pickup, disputes, payouts, reconciliation. */
async function resolveLater(
  ctx: AppContext,
  payload: Payload,
  base: (link: string | null, recipients: Recipients) => Announcement,
  reads: SubjectReads,
): Promise<Announcement | null> {
  const { db } = ctx;
  const { kind, subjectId } = payload;
  switch (kind) {
    case "order_accepted":
    case "order_rejected":
    case "order_new":
    case "order_response_due": {
      const [order] = await db
        .select()
        .from(supplierOrders)
        .where(eq(supplierOrders.id, subjectId));
      const group = order && (await reads.group(order.groupId));
      if (!order || !group) {
        return null;
      }
      const params: Params = {
        group: group.code,
        date: order.deliveryDate ? harareDay.format(new Date(order.deliveryDate)) : "-",
        qty: String(order.quantity),
        unit: group.display.product.unit,
        hours:
          kind === "order_new"
            ? String(ctx.config.orderResponseHours)
            : hoursUntil(order.respondBy),
      };
      if (kind === "order_new" || kind === "order_response_due") {
        return base(
          `/manage/orders/${order.id}`,
          to(await supplierTeam(db, order.supplierId), params),
        );
      }
      const traders =
        payload.userIds ??
        (await tradersOf(db, group.id, ["paid", "ready_for_pickup"])).map((s) => s.traderId);
      return base(`/groups/${group.id}`, to([...new Set(traders)], params));
    }
    case "collected": {
      const row = await reads.collected(subjectId);
      if (!row) {
        return null;
      }
      return base(`/groups/${row.credential.groupId}`, [
        {
          userId: row.credential.traderId,
          params: { group: row.code, qty: String(row.credential.collectedQty), point: row.point },
        },
      ]);
    }
    case "dispute_opened":
    case "dispute_resolved": {
      const [dispute] = await db.select().from(disputes).where(eq(disputes.id, subjectId));
      const group = dispute && (await reads.group(dispute.groupId));
      if (!dispute || !group) {
        return null;
      }
      const params = { group: group.code, reason: dispute.kind.replaceAll("_", " ") };
      if (payload.variant === "traders") {
        // Those with money in the group at the dispute's pickup point (or anywhere in it).
        const traders = (await tradersOf(db, group.id, "paid_in"))
          .filter((s) => !dispute.pickupPointId || s.pickupPointId === dispute.pickupPointId)
          .map((s) => s.traderId);
        return base(`/groups/${group.id}`, to([...new Set(traders)], params));
      }
      const people = await operators(db);
      if (kind === "dispute_resolved") {
        people.push(...(await supplierTeam(db, group.supplierId)));
      }
      return base("/manage/disputes", to([...new Set(people)], params));
    }
    case "payout_released": {
      const [payout] = await db.select().from(payouts).where(eq(payouts.id, subjectId));
      if (!payout) {
        return null;
      }
      const params = {
        amount: formatMoney(payout.amount, payout.currency),
        ref: payout.id.slice(0, 8),
      };
      return base("/manage/payables", to(await supplierTeam(db, payout.supplierId), params));
    }
    case "reconciliation_mismatch": {
      const [run] = await db
        .select()
        .from(reconciliationRuns)
        .where(eq(reconciliationRuns.id, subjectId));
      if (!run || run.mismatches === 0) {
        return null;
      }
      const params = {
        date: run.day ?? harareDay.format(run.startedAt),
        count: String(run.mismatches),
      };
      return base("/manage", to(await operators(db), params));
    }
    default:
      // ready_for_pickup and short_delivery are announced by the pickup domain, which knows the codes.
      return null;
  }
}
