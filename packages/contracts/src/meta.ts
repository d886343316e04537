import { z } from "zod";

/** Names are given in all three languages so the app can show them without another request. */
export const ZLocalizedName = z.object({ en: z.string(), sn: z.string(), nd: z.string() });

export const ZMarket = z.object({
  id: z.string(),
  name: z.string(),
  area: z.string(),
});
export type TMarket = z.infer<typeof ZMarket>;

export const ZCategory = z.object({
  id: z.string(),
  name: ZLocalizedName,
});
export type TCategory = z.infer<typeof ZCategory>;

export const ZMarketList = z.object({ items: z.array(ZMarket) });
export const ZCategoryList = z.object({ items: z.array(ZCategory) });
