import type { TGroup, TGroupProgress, TParticipation } from "@cs/contracts";
import type { groups, participations } from "@cs/db";
import type { Actor } from "../../platform/auth/permissions.ts";
import { nextTier } from "./tiers.ts";

/** A group as read for presenting: every column but the (large) search vector. */
export type GroupRow = Omit<typeof groups.$inferSelect, "searchVector">;
export type ParticipationRow = typeof participations.$inferSelect;

/** The live numbers of a group: what its real-time room receives and every group carries. */
export function presentProgress(group: GroupRow, now = new Date()): TGroupProgress {
  return {
    groupId: group.id,
    status: group.status,
    paidQty: group.paidQty,
    heldQty: group.heldQty,
    paidParticipants: group.paidParticipants,
    moq: group.moq,
    cap: group.cap,
    progressPercent: Math.floor((group.paidQty * 100) / group.moq),
    currentUnitPrice: group.currentUnitPrice,
    nextTier: nextTier(group.tiers, group.paidQty),
    deadline: group.deadline.toISOString(),
    serverTime: now.toISOString(),
  };
}

/**
 * A group as the viewer may see it: traders see counts, never who joined; `abilities` tells the
 * app which buttons to show without re-implementing the rules.
 */
export function presentGroup(
  group: GroupRow,
  viewer: {
    actor: Actor | null;
    mine: ParticipationRow | null;
    manages: boolean;
    zwgPerUsdMicros: number | null;
  },
): TGroup {
  const { display } = group;
  const open = group.status === "open" && group.deadline.getTime() > Date.now();
  return {
    ...presentProgress(group),
    id: group.id,
    code: group.code,
    title: group.title,
    currency: group.currency,
    minPerTrader: group.minPerTrader,
    maxPerTrader: group.maxPerTrader,
    finalUnitPrice: group.finalUnitPrice,
    tiers: group.tiers,
    product: display.product,
    supplier: display.supplier,
    category: display.category,
    pickupPoints: display.pickupPoints,
    altPrice: alternativePrice(group.currency, group.currentUnitPrice, viewer.zwgPerUsdMicros),
    createdAt: group.createdAt.toISOString(),
    endedBy:
      group.cancelReason !== null ? "cancellation" : group.closedAt !== null ? "deadline" : null,
    myParticipation: viewer.mine
      ? {
          id: viewer.mine.id,
          status: viewer.mine.status,
          quantity: viewer.mine.quantity,
          amountPaid: viewer.mine.amountPaid,
          amountRefunded: viewer.mine.amountRefunded,
          holdExpiresAt: viewer.mine.holdExpiresAt.toISOString(),
          pickupPointId: viewer.mine.pickupPointId,
        }
      : null,
    abilities: {
      join:
        open && (viewer.actor === null || viewer.actor.role === "trader") && viewer.mine === null,
      manage: viewer.manages,
    },
  };
}

/** The price in the other currency at the admin-set rate, rounded to the minor unit; display only. */
export function alternativePrice(
  currency: "USD" | "ZWG",
  unitPrice: number,
  zwgPerUsdMicros: number | null,
): { currency: "USD" | "ZWG"; unitPrice: number } | null {
  if (!zwgPerUsdMicros) {
    return null;
  }
  return currency === "USD"
    ? { currency: "ZWG", unitPrice: Math.round((unitPrice * zwgPerUsdMicros) / 1_000_000) }
    : { currency: "USD", unitPrice: Math.round((unitPrice * 1_000_000) / zwgPerUsdMicros) };
}

export function presentParticipation(row: ParticipationRow, group?: GroupRow): TParticipation {
  return {
    id: row.id,
    groupId: row.groupId,
    status: row.status,
    quantity: row.quantity,
    currency: row.currency,
    pickupPointId: row.pickupPointId,
    unitPricePaid: row.unitPricePaid,
    amountPaid: row.amountPaid,
    amountRefunded: row.amountRefunded,
    holdExpiresAt: row.holdExpiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    ...(group
      ? {
          group: {
            id: group.id,
            code: group.code,
            title: group.title,
            status: group.status,
            deadline: group.deadline.toISOString(),
          },
        }
      : {}),
  };
}
