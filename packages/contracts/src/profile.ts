import { z } from "zod";
import { ZCurrency } from "./common.ts";

export const GROUP_SIZES = ["small", "medium", "large"] as const;
export const PURCHASE_FREQUENCIES = ["daily", "weekly", "fortnightly", "monthly"] as const;
export const BUSINESS_TYPES = [
  "market_stall",
  "tuck_shop",
  "hawker",
  "small_retailer",
  "restaurant",
  "wholesaler",
  "other",
] as const;

/**
 * A trader's onboarding preferences. Budgets are integer minor units (cents) in `budgetCurrency`.
 * Group sizes: small is under 10 traders, medium 10–30, large over 30.
 */
export const ZTraderProfileInput = z
  .strictObject({
    categories: z.array(z.string().min(1).max(40)).min(1).max(20),
    budgetMin: z.number().int().min(0).max(100_000_000),
    budgetMax: z.number().int().min(0).max(100_000_000),
    budgetCurrency: ZCurrency.default("USD"),
    marketId: z.string().min(1).max(40),
    groupSizes: z.array(z.enum(GROUP_SIZES)).min(1).max(3),
    purchaseFrequency: z.enum(PURCHASE_FREQUENCIES),
    businessType: z.enum(BUSINESS_TYPES),
    experienceYears: z.number().int().min(0).max(70),
  })
  .refine((p) => p.budgetMax >= p.budgetMin, {
    path: ["budgetMax"],
    message: "must be at least budgetMin",
  });
export type TTraderProfileInput = z.input<typeof ZTraderProfileInput>;

export const ZTraderProfile = z.object({
  categories: z.array(z.string()),
  budgetMin: z.number().int(),
  budgetMax: z.number().int(),
  budgetCurrency: ZCurrency,
  marketId: z.string(),
  groupSizes: z.array(z.enum(GROUP_SIZES)),
  purchaseFrequency: z.enum(PURCHASE_FREQUENCIES),
  businessType: z.enum(BUSINESS_TYPES),
  experienceYears: z.number().int(),
  updatedAt: z.string(),
});
export type TTraderProfile = z.infer<typeof ZTraderProfile>;

/** `GET /api/v1/me/profile`: null until the trader has completed onboarding. */
export const ZProfileResponse = z.object({ profile: ZTraderProfile.nullable() });
