import type { ZProductCreate, ZProductUpdate } from "@cs/contracts";
import { products } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../../platform/audit.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Viewer } from "./policy.ts";
import { assertReferencesExist } from "./references.ts";
import { findProduct, type ProductRecord, replaceTiers } from "./repo.ts";

type ProductInput = Omit<z.output<typeof ZProductCreate>, "supplierId">;
type ProductPatch = z.output<typeof ZProductUpdate>;

/**
 * The supplier a new product belongs to. An admin must name it; a supplier user gets their own
 * team's, or names one when they are on several (the policy then checks it is theirs).
 */
export async function resolveProductSupplier(
  ctx: AppContext,
  viewer: Viewer,
  supplierId: string | undefined,
): Promise<string> {
  if (supplierId !== undefined) {
    await assertReferencesExist(ctx.db, { supplierId });
    return supplierId;
  }
  if (viewer.actor?.role === "admin") {
    throw fieldError("validation_failed", "supplierId", "Name the supplier of the product");
  }
  const [only, ...others] = viewer.supplierIds;
  if (!only) {
    throw new AppError("forbidden", "You are not on any supplier's team");
  }
  if (others.length > 0) {
    throw fieldError("validation_failed", "supplierId", "You are on several teams: name one");
  }
  return only;
}

async function reload(ctx: Pick<AppContext, "db">, id: string): Promise<ProductRecord> {
  const product = await findProduct(ctx.db, id);
  if (!product) {
    throw new AppError("not_found", "No such product");
  }
  return product;
}

/** Adds a product and its price ladder to a supplier's catalogue, audited, in one transaction. */
export async function createProduct(
  ctx: AppContext,
  viewer: Viewer,
  supplierId: string,
  input: ProductInput,
  requestId: string,
): Promise<ProductRecord> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { categoryId: input.categoryId });
    const { tiers, ...fields } = input;
    const id = newId();
    await tx.insert(products).values({ id, supplierId, ...fields });
    await replaceTiers(tx, id, tiers);
    await audit(tx, {
      actorId: viewer.actor?.id ?? null,
      action: "product.created",
      subjectType: "product",
      subjectId: id,
      data: { supplierId },
      requestId,
    });
    return reload({ db: tx }, id);
  });
}

/**
 * Edits a product the caller may manage. New `tiers` replace the whole ladder; the product row
 * is updated first so that concurrent edits of the same product queue on its row lock.
 */
export async function updateProduct(
  ctx: AppContext,
  viewer: Viewer,
  product: ProductRecord,
  patch: ProductPatch,
  requestId: string,
): Promise<ProductRecord> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { categoryId: patch.categoryId });
    const { tiers, ...fields } = patch;
    await tx
      .update(products)
      .set({ ...fields, updatedAt: sql`now()` })
      .where(eq(products.id, product.id));
    if (tiers) {
      await replaceTiers(tx, product.id, tiers);
    }
    await audit(tx, {
      actorId: viewer.actor?.id ?? null,
      action: "product.updated",
      subjectType: "product",
      subjectId: product.id,
      data: { fields: Object.keys(patch) },
      requestId,
    });
    return reload({ db: tx }, product.id);
  });
}
