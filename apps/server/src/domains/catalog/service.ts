import type { TCategory, TMarket, TPickupPoint } from "@cs/contracts";
import { categories, type DbOrTx, markets } from "@cs/db";
import { asc, eq, inArray } from "drizzle-orm";
import { presentPickupPoint } from "./presenter.ts";
import { findProduct, listPickupPointRows, supplierIdsOfMember } from "./repo.ts";

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

/** A product as the groups domain needs it to open a group: names, price and default ladder. */
export interface ProductForGroup {
  id: string;
  supplierId: string;
  categoryId: string;
  name: string;
  description: string;
  unit: string;
  currency: "USD" | "ZWG";
  /** Single-unit price in minor units, before any tier. */
  unitPrice: number;
  active: boolean;
  /** Units the supplier says it has; a natural cap for a group. */
  stock: number;
  /** Image URLs, the cover first. */
  images: string[];
  supplierName: string;
  categoryName: { en: string; sn: string; nd: string };
  /** Ascending by minQty; the first starts at 1. */
  tiers: Array<{ minQty: number; unitPrice: number }>;
}

/** The product with its supplier's and category's names and its price ladder, or undefined. */
export async function getProductForGroup(
  db: DbOrTx,
  productId: string,
): Promise<ProductForGroup | undefined> {
  const product = await findProduct(db, productId);
  if (!product) {
    return undefined;
  }
  const [category] = await db
    .select({ name: categories.name })
    .from(categories)
    .where(eq(categories.id, product.categoryId));
  return {
    id: product.id,
    supplierId: product.supplierId,
    categoryId: product.categoryId,
    name: product.name,
    description: product.description,
    unit: product.unit,
    currency: product.currency,
    unitPrice: product.unitPrice,
    active: product.active,
    stock: product.stock,
    images: [...product.images],
    supplierName: product.supplierName,
    categoryName: {
      en: category?.name.en ?? product.categoryId,
      sn: category?.name.sn ?? product.categoryId,
      nd: category?.name.nd ?? product.categoryId,
    },
    tiers: product.tiers.map((tier) => ({ minQty: tier.minQty, unitPrice: tier.unitPrice })),
  };
}

/** The suppliers whose team the user is on (usually one; none for non-supplier users). */
export function supplierIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  return supplierIdsOfMember(db, userId);
}

/** The pickup points among `ids` that exist, in no particular order of `ids`. */
export async function pickupPointsByIds(
  db: DbOrTx,
  ids: readonly string[],
): Promise<TPickupPoint[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) {
    return [];
  }
  const rows = await listPickupPointRows(db, { ids: unique });
  return rows.map(presentPickupPoint);
}
