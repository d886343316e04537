import { z } from "zod";
import { ZPhone } from "./auth.ts";
import { ZCurrency } from "./common.ts";

/** A price in integer minor units (cents); never a float, never zero. */
export const ZPriceMinor = z.number().int().positive().max(100_000_000_000);

const ZSlugRef = z.string().min(1).max(40);
const ZText = (min: number, max: number) => z.string().trim().min(min).max(max);

/** Cursor pagination by id: pass `nextCursor` back as `cursor` for the next page. */
const ZPageQuery = {
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};

// ---------- suppliers ----------

export const SUPPLIER_VERIFICATION_STATUSES = ["pending", "verified", "rejected"] as const;
export const ZVerificationStatus = z.enum(SUPPLIER_VERIFICATION_STATUSES);
export type TVerificationStatus = z.infer<typeof ZVerificationStatus>;

export const ZSupplierCreate = z.strictObject({
  businessName: ZText(2, 120),
  contactPhone: ZPhone,
  contactEmail: z.email().max(254).optional(),
  marketId: ZSlugRef,
  address: ZText(2, 200),
});
export type TSupplierCreate = z.input<typeof ZSupplierCreate>;

/** Only admins may change `verificationStatus`. `contactEmail: null` removes the email. */
export const ZSupplierUpdate = z
  .strictObject({
    businessName: ZText(2, 120).optional(),
    contactPhone: ZPhone.optional(),
    contactEmail: z.email().max(254).nullable().optional(),
    marketId: ZSlugRef.optional(),
    address: ZText(2, 200).optional(),
    verificationStatus: ZVerificationStatus.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change" });
export type TSupplierUpdate = z.input<typeof ZSupplierUpdate>;

export const ZSupplier = z.object({
  id: z.uuid(),
  businessName: z.string(),
  verificationStatus: ZVerificationStatus,
  contactPhone: z.string(),
  contactEmail: z.string().nullable(),
  marketId: z.string().nullable(),
  address: z.string(),
  createdAt: z.string(),
  /** What the viewer may do, so the PWA hides buttons without re-implementing the rules. */
  abilities: z.object({ update: z.boolean(), verify: z.boolean(), addMember: z.boolean() }),
});
export type TSupplier = z.infer<typeof ZSupplier>;

export const ZSupplierListQuery = z.strictObject({
  marketId: ZSlugRef.optional(),
  verificationStatus: ZVerificationStatus.optional(),
  ...ZPageQuery,
});
export const ZSupplierList = z.object({
  items: z.array(ZSupplier),
  nextCursor: z.uuid().nullable(),
});

export const ZSupplierMemberAdd = z.strictObject({ userId: z.uuid() });
export const ZSupplierMember = z.object({
  supplierId: z.uuid(),
  userId: z.uuid(),
  createdAt: z.string(),
});
export type TSupplierMember = z.infer<typeof ZSupplierMember>;

// ---------- products ----------

export const MAX_PRODUCT_IMAGES = 8;
export const MAX_PRODUCT_TIERS = 10;

/** An https URL or a path on our own media host (`/media/...`); nothing else is rendered. */
export function isImageUrl(value: string): boolean {
  if (/\s/.test(value)) {
    return false;
  }
  if (value.startsWith("/")) {
    return !value.startsWith("//");
  }
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname !== "";
  } catch {
    return false;
  }
}

export const ZImageUrl = z
  .string()
  .max(2048)
  .refine(isImageUrl, { message: "Use an https:// URL or a path starting with /" });

export const ZProductTier = z.strictObject({
  minQty: z.number().int().min(1).max(1_000_000),
  unitPrice: ZPriceMinor,
});
export type TProductTier = z.infer<typeof ZProductTier>;

/**
 * A price ladder by the group's total quantity: starts at 1, quantities strictly increase and
 * the price never rises as the quantity grows.
 */
export const ZProductTiers = z
  .array(ZProductTier)
  .min(1)
  .max(MAX_PRODUCT_TIERS)
  .superRefine((tiers, ctx) => {
    if (tiers[0] && tiers[0].minQty !== 1) {
      ctx.addIssue({ code: "custom", path: [0, "minQty"], message: "The first tier starts at 1" });
    }
    for (let i = 1; i < tiers.length; i++) {
      const previous = tiers[i - 1];
      const tier = tiers[i];
      if (!previous || !tier) {
        continue;
      }
      if (tier.minQty <= previous.minQty) {
        ctx.addIssue({
          code: "custom",
          path: [i, "minQty"],
          message: "Must be greater than the previous tier's minQty",
        });
      }
      if (tier.unitPrice > previous.unitPrice) {
        ctx.addIssue({
          code: "custom",
          path: [i, "unitPrice"],
          message: "Must not be more than the previous tier's unitPrice",
        });
      }
    }
  });

const productFields = {
  categoryId: ZSlugRef,
  name: ZText(2, 120),
  description: z.string().trim().max(2000),
  unit: ZText(1, 40),
  currency: ZCurrency,
  unitPrice: ZPriceMinor,
  stock: z.number().int().min(0).max(10_000_000),
  images: z.array(ZImageUrl).max(MAX_PRODUCT_IMAGES),
  tiers: ZProductTiers,
};

/** A supplier user creates for their own supplier; an admin names the supplier. */
export const ZProductCreate = z.strictObject({
  ...productFields,
  supplierId: z.uuid().optional(),
  description: productFields.description.default(""),
  images: productFields.images.default([]),
});
export type TProductCreate = z.input<typeof ZProductCreate>;

/** Any field may change; `tiers`, when given, replaces the whole ladder. */
export const ZProductUpdate = z
  .strictObject({
    categoryId: productFields.categoryId.optional(),
    name: productFields.name.optional(),
    description: productFields.description.optional(),
    unit: productFields.unit.optional(),
    currency: productFields.currency.optional(),
    unitPrice: productFields.unitPrice.optional(),
    stock: productFields.stock.optional(),
    images: productFields.images.optional(),
    tiers: productFields.tiers.optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change" });
export type TProductUpdate = z.input<typeof ZProductUpdate>;

export const ZProduct = z.object({
  id: z.uuid(),
  supplierId: z.uuid(),
  supplierName: z.string(),
  categoryId: z.string(),
  name: z.string(),
  description: z.string(),
  unit: z.string(),
  currency: ZCurrency,
  unitPrice: z.number().int(),
  stock: z.number().int(),
  images: z.array(z.string()),
  tiers: z.array(z.object({ minQty: z.number().int(), unitPrice: z.number().int() })),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: z.object({ update: z.boolean() }),
});
export type TProduct = z.infer<typeof ZProduct>;

export const ZProductListQuery = z.strictObject({
  supplierId: z.uuid().optional(),
  categoryId: ZSlugRef.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  ...ZPageQuery,
});
export const ZProductList = z.object({ items: z.array(ZProduct), nextCursor: z.uuid().nullable() });

// ---------- reference data: pickup points and categories ----------

const pickupPointFields = {
  marketId: ZSlugRef,
  name: ZText(2, 120),
  address: ZText(2, 200),
  hours: ZText(2, 120),
};
export const ZPickupPointCreate = z.strictObject(pickupPointFields);
export type TPickupPointCreate = z.input<typeof ZPickupPointCreate>;
export const ZPickupPointUpdate = z
  .strictObject({
    marketId: pickupPointFields.marketId.optional(),
    name: pickupPointFields.name.optional(),
    address: pickupPointFields.address.optional(),
    hours: pickupPointFields.hours.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change" });
export type TPickupPointUpdate = z.input<typeof ZPickupPointUpdate>;

export const ZPickupPoint = z.object({
  id: z.uuid(),
  marketId: z.string(),
  name: z.string(),
  address: z.string(),
  hours: z.string(),
});
export type TPickupPoint = z.infer<typeof ZPickupPoint>;
export const ZPickupPointListQuery = z.strictObject({ marketId: ZSlugRef.optional() });
export const ZPickupPointList = z.object({ items: z.array(ZPickupPoint) });

export const CATEGORY_ID_PATTERN = /^[a-z0-9-]{2,40}$/;
export const ZCategoryCreate = z.strictObject({
  id: z.string().regex(CATEGORY_ID_PATTERN, "2–40 lowercase letters, digits or hyphens"),
  name: z.strictObject({ en: ZText(1, 80), sn: ZText(1, 80), nd: ZText(1, 80) }),
});
export type TCategoryCreate = z.input<typeof ZCategoryCreate>;

/** The id of a supplier, product or pickup point in a path. */
export const ZCatalogIdParams = z.strictObject({ id: z.uuid() });
