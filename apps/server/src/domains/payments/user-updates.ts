import { type DbOrTx, participations, payments, refunds } from "@cs/db";
import { eq } from "drizzle-orm";

export interface UserUpdate {
  kind: "payment" | "refund" | "participation";
  id: string;
  status: string;
  groupId: string | null;
  amount: number | null;
}

/** What a trader's own room is told when one of their payments, refunds or shares changes. */
export async function userUpdate(
  db: DbOrTx,
  event: { kind: UserUpdate["kind"]; id: string },
): Promise<UserUpdate | null> {
  if (event.kind === "payment") {
    const [row] = await db.select().from(payments).where(eq(payments.id, event.id));
    return row
      ? {
          kind: "payment",
          id: row.id,
          status: row.status,
          groupId: row.groupId,
          amount: row.amount,
        }
      : null;
  }
  if (event.kind === "refund") {
    const [row] = await db.select().from(refunds).where(eq(refunds.id, event.id));
    return row
      ? { kind: "refund", id: row.id, status: row.status, groupId: null, amount: row.amount }
      : null;
  }
  const [row] = await db.select().from(participations).where(eq(participations.id, event.id));
  return row
    ? { kind: "participation", id: row.id, status: row.status, groupId: row.groupId, amount: null }
    : null;
}
