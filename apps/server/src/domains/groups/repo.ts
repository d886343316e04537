import { type DbOrTx, exchangeRates, groups, participations, readByIds, uuidArray } from "@cs/db";
import { and, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { GroupRow, ParticipationRow } from "./presenter.ts";

const { searchVector: _searchVector, ...listed } = getTableColumns(groups);
/** The columns read for a group everywhere but search itself (the tsvector is never shown). */
export const groupColumns = listed;

export async function findGroup(db: DbOrTx, id: string): Promise<GroupRow | undefined> {
  const [row] = await db.select(groupColumns).from(groups).where(eq(groups.id, id));
  return row;
}

/** Several groups by id, in one statement (one `uuid[]` parameter); absent ids are left out. */
export function findGroups(db: DbOrTx, ids: readonly string[]): Promise<GroupRow[]> {
  return readByIds(ids, (anyOf) =>
    db.select(groupColumns).from(groups).where(sql`${groups.id} = any(${anyOf})`),
  );
}

/** Locks the group row for the rest of the transaction. */
export async function lockGroup(db: DbOrTx, id: string): Promise<GroupRow | undefined> {
  const [row] = await db.select(groupColumns).from(groups).where(eq(groups.id, id)).for("update");
  return row;
}

export const LIVE_STATUSES = ["reserved", "paid", "ready_for_pickup", "collected"] as const;

/** The trader's live share of each of these groups, by group id. */
export async function liveParticipationsOf(
  db: DbOrTx,
  traderId: string,
  groupIds: string[],
): Promise<Map<string, ParticipationRow>> {
  if (groupIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .select()
    .from(participations)
    .where(
      and(
        eq(participations.traderId, traderId),
        // One parameter for the page's ids, not one each: this runs on every signed-in search.
        sql`${participations.groupId} = any(${uuidArray(groupIds)})`,
        inArray(participations.status, [...LIVE_STATUSES]),
      ),
    );
  return new Map(rows.map((row) => [row.groupId, row]));
}

/** The groups a trader has a live share in (a handful: no list of candidate groups to send). */
export async function liveGroupIdsOf(db: DbOrTx, traderId: string): Promise<Set<string>> {
  return (await liveGroupIdsOfEach(db, [traderId])).get(traderId) ?? new Set();
}

/** The same for several traders in one statement (one `uuid[]` parameter), by trader. */
export async function liveGroupIdsOfEach(
  db: DbOrTx,
  traderIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const byTrader = new Map<string, Set<string>>(traderIds.map((id) => [id, new Set()]));
  const rows = await readByIds(traderIds, (anyOf) =>
    db
      .select({ traderId: participations.traderId, groupId: participations.groupId })
      .from(participations)
      .where(
        and(
          sql`${participations.traderId} = any(${anyOf})`,
          inArray(participations.status, [...LIVE_STATUSES]),
        ),
      ),
  );
  for (const row of rows) {
    byTrader.get(row.traderId)?.add(row.groupId);
  }
  return byTrader;
}

/** The newest admin-set USD→ZWG rate, in millionths, or null when none was set. */
const RATE_TTL_MS = 5_000;
let rateCache: { value: number | null; at: number } | null = null;

/**
 * The newest admin-set USD→ZWG rate, in millionths, or null when none was set. Every listing
 * shows it, so it is kept for a few seconds per process (setting a rate clears it here at once;
 * other instances follow within the TTL).
 */
export async function currentZwgRate(db: DbOrTx): Promise<number | null> {
  if (rateCache && Date.now() - rateCache.at < RATE_TTL_MS) {
    return rateCache.value;
  }
  const [row] = await db
    .select({ rate: exchangeRates.rateMicros })
    .from(exchangeRates)
    .orderBy(desc(exchangeRates.createdAt))
    .limit(1);
  rateCache = { value: row?.rate ?? null, at: Date.now() };
  return rateCache.value;
}

export function forgetZwgRate(): void {
  rateCache = null;
}
