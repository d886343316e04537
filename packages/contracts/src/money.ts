import { z } from "zod";

/** A decimal rate typed by an admin, e.g. "26.85" ZiG per US dollar (at most 6 decimals). */
export const ZRateDecimal = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, "a positive decimal with at most 6 decimals, e.g. 26.85")
  .refine((value) => /[1-9]/.test(value), "must be above zero");

export const ZSetExchangeRate = z.strictObject({ quote: z.literal("ZWG"), rate: ZRateDecimal });

export const ZExchangeRate = z.object({
  base: z.literal("USD"),
  quote: z.literal("ZWG"),
  /** ZiG per US dollar, as a decimal string (exact; never a float). */
  rate: z.string(),
  setAt: z.string(),
});
export type TExchangeRate = z.infer<typeof ZExchangeRate>;
export const ZExchangeRateCurrent = z.object({ current: ZExchangeRate.nullable() });
export const ZExchangeRateHistory = z.object({
  items: z.array(ZExchangeRate.extend({ setBy: z.string().nullable() })),
});
