import { type DbOrTx, groups, participations } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import { enqueue } from "../../platform/outbox.ts";
import { enqueueChatSystem } from "../chat/events.ts";
import { priceForQuantity, tierReached } from "../groups/tiers.ts";

/**
 * Makes a reserved (or lapsed, if it still fits under the cap) share paid at `unitPrice`: its
 * quantity moves from held to paid and the group's price follows. Returns the group, or null
 * when the share cannot be paid any more (left, cancelled, group closed, no room).
 */
export async function secureShare(
  tx: DbOrTx,
  share: typeof participations.$inferSelect,
  unitPrice: number,
): Promise<typeof groups.$inferSelect | null> {
  const q = share.quantity;
  // A reservation moves its held quantity to paid; a lapsed one must fit under the cap again.
  const [group] =
    share.status === "reserved"
      ? await tx
          .update(groups)
          .set({
            heldQty: sql`${groups.heldQty} - ${q}`,
            paidQty: sql`${groups.paidQty} + ${q}`,
            paidParticipants: sql`${groups.paidParticipants} + 1`,
            updatedAt: sql`now()`,
          })
          .where(and(eq(groups.id, share.groupId), eq(groups.status, "open")))
          .returning()
      : share.status === "lapsed"
        ? await tx
            .update(groups)
            .set({
              paidQty: sql`${groups.paidQty} + ${q}`,
              paidParticipants: sql`${groups.paidParticipants} + 1`,
              updatedAt: sql`now()`,
            })
            .where(
              and(
                eq(groups.id, share.groupId),
                eq(groups.status, "open"),
                sql`${groups.deadline} > now()`,
                sql`(${groups.cap} is null or ${groups.heldQty} + ${groups.paidQty} + ${q} <= ${groups.cap})`,
              ),
            )
            .returning()
        : [];
  if (!group) {
    return null;
  }
  await tx
    .update(participations)
    .set({ status: "paid", unitPricePaid: unitPrice, paidAt: sql`now()` })
    .where(eq(participations.id, share.id));
  const price = priceForQuantity(group.tiers, group.paidQty);
  await tx.update(groups).set({ currentUnitPrice: price }).where(eq(groups.id, group.id));
  if (price < priceForQuantity(group.tiers, group.paidQty - q)) {
    await enqueue(tx, "notify", { kind: "tier_dropped", subjectId: group.id, variant: `${price}` });
  }
  await enqueue(tx, "realtime.group", { groupId: group.id });
  const reached = tierReached(group.tiers, group.paidQty - q, group.paidQty);
  if (reached) {
    await enqueueChatSystem(tx, group.id, "tier_reached", `tier:${reached.minQty}`, {
      minQty: reached.minQty,
      unitPrice: reached.unitPrice,
      currency: group.currency,
    });
  }
  return group;
}
