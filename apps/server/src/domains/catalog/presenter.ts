import type { TCategory, TPickupPoint, TProduct, TSupplier } from "@cs/contracts";
import { can, productRef, supplierRef, type Viewer } from "./policy.ts";
import type { CategoryRow, PickupPointRow, ProductRecord, SupplierRow } from "./repo.ts";

/** The public shape of a supplier, with what the viewer may do to it. */
export function presentSupplier(row: SupplierRow, viewer: Viewer): TSupplier {
  const ref = supplierRef(row.id);
  return {
    id: row.id,
    businessName: row.businessName,
    verificationStatus: row.verificationStatus,
    contactPhone: row.contactPhone,
    contactEmail: row.contactEmail,
    marketId: row.marketId,
    address: row.address,
    createdAt: row.createdAt.toISOString(),
    abilities: {
      update: can(viewer, "update", ref),
      verify: can(viewer, "verify", ref),
      addMember: can(viewer, "addMember", ref),
    },
  };
}

/** The public shape of a product with its price ladder, cheapest-last. */
export function presentProduct(record: ProductRecord, viewer: Viewer): TProduct {
  return {
    id: record.id,
    supplierId: record.supplierId,
    supplierName: record.supplierName,
    categoryId: record.categoryId,
    name: record.name,
    description: record.description,
    unit: record.unit,
    currency: record.currency,
    unitPrice: record.unitPrice,
    stock: record.stock,
    images: [...record.images],
    tiers: record.tiers.map((tier) => ({ minQty: tier.minQty, unitPrice: tier.unitPrice })),
    active: record.active,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    abilities: { update: can(viewer, "update", productRef(record)) },
  };
}

export function presentPickupPoint(row: PickupPointRow): TPickupPoint {
  return {
    id: row.id,
    marketId: row.marketId,
    name: row.name,
    address: row.address,
    hours: row.hours,
  };
}

export function presentCategory(row: CategoryRow): TCategory {
  return { id: row.id, name: { en: row.name.en, sn: row.name.sn, nd: row.name.nd } };
}
