import type { TCategory, TMarket } from "@cs/contracts";
import { categories, type DbOrTx, markets } from "@cs/db";
import { asc, inArray } from "drizzle-orm";

/** Harare's markets, for onboarding and filters. */
export async function listMarkets(db: DbOrTx): Promise<TMarket[]> {
  return db
    .select({ id: markets.id, name: markets.name, area: markets.area })
    .from(markets)
    .orderBy(asc(markets.name));
}

export async function listCategories(db: DbOrTx): Promise<TCategory[]> {
  return db
    .select({ id: categories.id, name: categories.name })
    .from(categories)
    .orderBy(asc(categories.id));
}

/** The ids among `ids` that are not markets. */
export async function unknownMarkets(db: DbOrTx, ids: string[]): Promise<string[]> {
  const found = await db.select({ id: markets.id }).from(markets).where(inArray(markets.id, ids));
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}

/** The ids among `ids` that are not categories. */
export async function unknownCategories(db: DbOrTx, ids: string[]): Promise<string[]> {
  const found = await db
    .select({ id: categories.id })
    .from(categories)
    .where(inArray(categories.id, ids));
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}
