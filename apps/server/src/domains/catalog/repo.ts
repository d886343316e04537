import {
  type categories,
  type DbOrTx,
  pickupPoints,
  products,
  productTiers,
  supplierMembers,
  suppliers,
} from "@cs/db";
import { and, asc, eq, gt, ilike, inArray, or, type SQL } from "drizzle-orm";

export type SupplierRow = typeof suppliers.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type PickupPointRow = typeof pickupPoints.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export interface TierRow {
  minQty: number;
  unitPrice: number;
}
/** A product with what every reader of it needs: its supplier's name and its price ladder. */
export type ProductRecord = ProductRow & { supplierName: string; tiers: TierRow[] };

export interface Page {
  cursor?: string | undefined;
  limit: number;
}

/** Rows of one page plus the cursor of the next (fetches one extra row to know). */
function paginate<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

// ---------- suppliers ----------

export async function findSupplier(db: DbOrTx, id: string): Promise<SupplierRow | undefined> {
  const [row] = await db.select().from(suppliers).where(eq(suppliers.id, id));
  return row;
}

export async function listSupplierRows(
  db: DbOrTx,
  filter: { marketId?: string | undefined; verificationStatus?: SupplierRow["verificationStatus"] },
  page: Page,
) {
  const where: SQL[] = [];
  if (filter.marketId) {
    where.push(eq(suppliers.marketId, filter.marketId));
  }
  if (filter.verificationStatus) {
    where.push(eq(suppliers.verificationStatus, filter.verificationStatus));
  }
  if (page.cursor) {
    where.push(gt(suppliers.id, page.cursor));
  }
  const rows = await db
    .select()
    .from(suppliers)
    .where(and(...where))
    .orderBy(asc(suppliers.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit);
}

export async function supplierIdsOfMember(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ supplierId: supplierMembers.supplierId })
    .from(supplierMembers)
    .where(eq(supplierMembers.userId, userId))
    .orderBy(asc(supplierMembers.supplierId));
  return rows.map((row) => row.supplierId);
}

// ---------- products ----------

const productWithSupplier = {
  product: products,
  supplierName: suppliers.businessName,
};

async function withTiers(
  db: DbOrTx,
  rows: Array<{ product: ProductRow; supplierName: string }>,
): Promise<ProductRecord[]> {
  if (rows.length === 0) {
    return [];
  }
  const tiers = await db
    .select()
    .from(productTiers)
    .where(
      inArray(
        productTiers.productId,
        rows.map((row) => row.product.id),
      ),
    )
    .orderBy(asc(productTiers.productId), asc(productTiers.minQty));
  const byProduct = new Map<string, TierRow[]>();
  for (const tier of tiers) {
    const list = byProduct.get(tier.productId) ?? [];
    list.push({ minQty: tier.minQty, unitPrice: tier.unitPrice });
    byProduct.set(tier.productId, list);
  }
  return rows.map((row) => ({
    ...row.product,
    supplierName: row.supplierName,
    tiers: byProduct.get(row.product.id) ?? [],
  }));
}

export async function findProduct(db: DbOrTx, id: string): Promise<ProductRecord | undefined> {
  const rows = await db
    .select(productWithSupplier)
    .from(products)
    .innerJoin(suppliers, eq(suppliers.id, products.supplierId))
    .where(eq(products.id, id));
  const [record] = await withTiers(db, rows);
  return record;
}

/** LIKE wildcards in user input match themselves. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of products. `visibleSuppliers`: `"all"` for admins, else the suppliers whose inactive
 * products the viewer may see (their own); everyone sees active products.
 */
export async function listProductRows(
  db: DbOrTx,
  filter: {
    supplierId?: string | undefined;
    categoryId?: string | undefined;
    q?: string | undefined;
    visibleSuppliers: "all" | string[];
  },
  page: Page,
): Promise<{ items: ProductRecord[]; nextCursor: string | null }> {
  const where: Array<SQL | undefined> = [];
  if (filter.visibleSuppliers !== "all") {
    where.push(
      filter.visibleSuppliers.length > 0
        ? or(eq(products.active, true), inArray(products.supplierId, filter.visibleSuppliers))
        : eq(products.active, true),
    );
  }
  if (filter.supplierId) {
    where.push(eq(products.supplierId, filter.supplierId));
  }
  if (filter.categoryId) {
    where.push(eq(products.categoryId, filter.categoryId));
  }
  if (filter.q) {
    where.push(ilike(products.name, likePattern(filter.q)));
  }
  if (page.cursor) {
    where.push(gt(products.id, page.cursor));
  }
  const rows = await db
    .select(productWithSupplier)
    .from(products)
    .innerJoin(suppliers, eq(suppliers.id, products.supplierId))
    .where(and(...where))
    .orderBy(asc(products.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(
    rows.map((row) => ({ ...row, id: row.product.id })),
    page.limit,
  );
  return { items: await withTiers(db, items), nextCursor };
}

/** Replaces a product's whole price ladder. */
export async function replaceTiers(db: DbOrTx, productId: string, tiers: TierRow[]): Promise<void> {
  await db.delete(productTiers).where(eq(productTiers.productId, productId));
  if (tiers.length > 0) {
    await db.insert(productTiers).values(tiers.map((tier) => ({ productId, ...tier })));
  }
}

// ---------- reference data ----------

export async function findPickupPoint(db: DbOrTx, id: string): Promise<PickupPointRow | undefined> {
  const [row] = await db.select().from(pickupPoints).where(eq(pickupPoints.id, id));
  return row;
}

export async function listPickupPointRows(
  db: DbOrTx,
  filter: { marketId?: string | undefined; ids?: string[] },
): Promise<PickupPointRow[]> {
  const where: SQL[] = [];
  if (filter.marketId) {
    where.push(eq(pickupPoints.marketId, filter.marketId));
  }
  if (filter.ids) {
    where.push(inArray(pickupPoints.id, filter.ids));
  }
  return db
    .select()
    .from(pickupPoints)
    .where(and(...where))
    .orderBy(asc(pickupPoints.marketId), asc(pickupPoints.name), asc(pickupPoints.id));
}

export async function unknownSupplierIds(db: DbOrTx, ids: string[]): Promise<string[]> {
  const found = await db
    .select({ id: suppliers.id })
    .from(suppliers)
    .where(inArray(suppliers.id, ids));
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}
