import type { DbOrTx } from "@cs/db";
import { AppError, type FieldError } from "../../platform/errors.ts";
import { unknownSupplierIds } from "./repo.ts";
import { unknownCategories, unknownMarkets } from "./service.ts";

/**
 * Throws `unknown_reference`, naming every field whose id does not exist, when a write points at
 * a market, category or supplier that is not there. Undefined fields are not checked.
 */
export async function assertReferencesExist(
  db: DbOrTx,
  refs: {
    marketId?: string | undefined;
    categoryId?: string | undefined;
    supplierId?: string | undefined;
  },
): Promise<void> {
  const errors: FieldError[] = [];
  if (refs.marketId !== undefined && (await unknownMarkets(db, [refs.marketId])).length > 0) {
    errors.push({ path: "marketId", message: "Unknown market", code: "unknown_reference" });
  }
  if (
    refs.categoryId !== undefined &&
    (await unknownCategories(db, [refs.categoryId])).length > 0
  ) {
    errors.push({ path: "categoryId", message: "Unknown category", code: "unknown_reference" });
  }
  if (
    refs.supplierId !== undefined &&
    (await unknownSupplierIds(db, [refs.supplierId])).length > 0
  ) {
    errors.push({ path: "supplierId", message: "Unknown supplier", code: "unknown_reference" });
  }
  if (errors.length > 0) {
    throw new AppError("unknown_reference", errors[0]?.message, { errors });
  }
}
