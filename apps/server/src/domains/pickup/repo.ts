import { type DbOrTx, groups, pickupAgents, pickupCredentials, users } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "../../platform/errors.ts";

export type CredentialRow = typeof pickupCredentials.$inferSelect;

/** A credential with who and what it is for, as agents and traders see it. */
export interface CredentialRecord {
  credential: CredentialRow;
  traderName: string;
  traderPhone: string;
  group: Pick<typeof groups.$inferSelect, "id" | "code" | "title" | "display">;
}

const recordFields = {
  credential: pickupCredentials,
  traderName: users.name,
  traderPhone: users.phone,
  group: { id: groups.id, code: groups.code, title: groups.title, display: groups.display },
};

/** Credentials with their trader and group, filtered. */
export async function credentialRecords(
  db: DbOrTx,
  where: ReturnType<typeof and>,
): Promise<CredentialRecord[]> {
  return db
    .select(recordFields)
    .from(pickupCredentials)
    .innerJoin(users, eq(users.id, pickupCredentials.traderId))
    .innerJoin(groups, eq(groups.id, pickupCredentials.groupId))
    .where(where)
    .orderBy(pickupCredentials.createdAt, pickupCredentials.id);
}

export async function findCredentialRecord(
  db: DbOrTx,
  id: string,
): Promise<CredentialRecord | undefined> {
  const [row] = await credentialRecords(db, and(eq(pickupCredentials.id, id)));
  return row;
}

/**
 * The credential (with its trader and group) whose short code has this lookup hash, at a pickup
 * point or anywhere: the live one if there is one, else a collected one (to say so).
 */
export async function findRecordByCodeHash(
  db: DbOrTx,
  pickupPointId: string | null,
  hash: string,
): Promise<CredentialRecord | undefined> {
  const [row] = await db
    .select(recordFields)
    .from(pickupCredentials)
    .innerJoin(users, eq(users.id, pickupCredentials.traderId))
    .innerJoin(groups, eq(groups.id, pickupCredentials.groupId))
    .where(
      and(
        pickupPointId ? eq(pickupCredentials.pickupPointId, pickupPointId) : undefined,
        eq(pickupCredentials.shortCodeHash, hash),
        sql`${pickupCredentials.status} in ('live', 'collected')`,
      ),
    )
    .orderBy(sql`${pickupCredentials.status} = 'live' desc`)
    .limit(1);
  return row;
}

/** The pickup point each of these agents works at (agents without one are left out). */
export async function agentPickupPoints(
  db: DbOrTx,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db
    .select({ userId: pickupAgents.userId, pickupPointId: pickupAgents.pickupPointId })
    .from(pickupAgents)
    .where(inArray(pickupAgents.userId, [...new Set(userIds)]));
  return new Map(rows.map((row) => [row.userId, row.pickupPointId]));
}

/** The pickup point the agent works at; an agent without one can do nothing here. */
export async function agentPickupPoint(db: DbOrTx, userId: string): Promise<string> {
  const [row] = await db
    .select({ pickupPointId: pickupAgents.pickupPointId })
    .from(pickupAgents)
    .where(eq(pickupAgents.userId, userId));
  if (!row) {
    throw new AppError("pickup_agent_unassigned");
  }
  return row.pickupPointId;
}
