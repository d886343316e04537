import { type DbOrTx, participations, payments, readByIds, refunds } from "@cs/db";
import { sql } from "drizzle-orm";

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
  const [update] = await userUpdates(db, [event]);
  return update ?? null;
}

/**
 * `userUpdate` for a batch of events: one read per kind, whatever the number of events. Answers
 * in the events' order (null where the row is gone).
 */
export async function userUpdates(
  db: DbOrTx,
  events: ReadonlyArray<{ kind: UserUpdate["kind"]; id: string }>,
): Promise<Array<UserUpdate | null>> {
  const idsOf = (kind: UserUpdate["kind"]) =>
    events.filter((e) => e.kind === kind).map((e) => e.id);
  const [paid, refunded, shares] = await Promise.all([
    readByIds(idsOf("payment"), (anyOf) =>
      db
        .select({
          id: payments.id,
          status: payments.status,
          groupId: payments.groupId,
          amount: payments.amount,
        })
        .from(payments)
        .where(sql`${payments.id} = any(${anyOf})`),
    ),
    readByIds(idsOf("refund"), (anyOf) =>
      db
        .select({ id: refunds.id, status: refunds.status, amount: refunds.amount })
        .from(refunds)
        .where(sql`${refunds.id} = any(${anyOf})`),
    ),
    readByIds(idsOf("participation"), (anyOf) =>
      db
        .select({
          id: participations.id,
          status: participations.status,
          groupId: participations.groupId,
        })
        .from(participations)
        .where(sql`${participations.id} = any(${anyOf})`),
    ),
  ]);
  const found = new Map<string, UserUpdate>();
  for (const row of paid) {
    found.set(`payment:${row.id}`, { kind: "payment", ...row });
  }
  for (const row of refunded) {
    found.set(`refund:${row.id}`, { kind: "refund", ...row, groupId: null });
  }
  for (const row of shares) {
    found.set(`participation:${row.id}`, { kind: "participation", ...row, amount: null });
  }
  return events.map((e) => found.get(`${e.kind}:${e.id}`) ?? null);
}
