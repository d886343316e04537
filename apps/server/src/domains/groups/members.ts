import { type DbOrTx, participations } from "@cs/db";
import { and, eq } from "drizzle-orm";

/**
 * Whether the trader has, or had, a share in the group (any state: reserved, paid, collected,
 * refunded or lapsed). The chat domain asks this to decide who is in a group's room.
 */
export async function hasShareIn(db: DbOrTx, groupId: string, traderId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: participations.id })
    .from(participations)
    .where(and(eq(participations.groupId, groupId), eq(participations.traderId, traderId)))
    .limit(1);
  return row !== undefined;
}
