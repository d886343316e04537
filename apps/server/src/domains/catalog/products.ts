import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { can, productRef, type Viewer } from "./policy.ts";
import { findProduct, listProductRows, type Page, type ProductRecord } from "./repo.ts";

function productNotFound(): AppError {
  return new AppError("not_found", "No such product");
}

/** The product when the viewer may see it (inactive ones: its team and admins), else 404. */
export async function loadVisibleProduct(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
): Promise<ProductRecord> {
  const product = await findProduct(ctx.db, id);
  if (!product || !can(viewer, "read", productRef(product))) {
    throw productNotFound();
  }
  return product;
}

/**
 * The product when the viewer may edit it, else 404 even when it is publicly visible: another
 * supplier cannot tell a product it may not edit from one that does not exist.
 */
export async function loadManagedProduct(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
): Promise<ProductRecord> {
  const product = await findProduct(ctx.db, id);
  if (!product || !can(viewer, "update", productRef(product))) {
    throw productNotFound();
  }
  return product;
}

/** One page of the products the viewer may see, oldest id first. */
export async function listProducts(
  ctx: AppContext,
  viewer: Viewer,
  filter: {
    supplierId?: string | undefined;
    categoryId?: string | undefined;
    q?: string | undefined;
  },
  page: Page,
): Promise<{ items: ProductRecord[]; nextCursor: string | null }> {
  const visibleSuppliers = viewer.actor?.role === "admin" ? "all" : [...viewer.supplierIds];
  return listProductRows(ctx.db, { ...filter, visibleSuppliers }, page);
}
