import { ZCategoryList, ZMarketList } from "@cs/contracts";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const metaKeys = {
  all: ["meta"] as const,
  markets: () => [...metaKeys.all, "markets"] as const,
  categories: () => [...metaKeys.all, "categories"] as const,
};

// Reference lists change rarely: keep them for the whole visit.
const REFERENCE_STALE_MS = 60 * 60 * 1000;

/** `GET /api/v1/meta/markets`. */
export function useMarkets() {
  return useQuery({
    queryKey: metaKeys.markets(),
    queryFn: async ({ signal }) =>
      ZMarketList.parse(await api<unknown>("/api/v1/meta/markets", { signal })).items,
    staleTime: REFERENCE_STALE_MS,
  });
}

/** `GET /api/v1/meta/categories`: each name in en, sn and nd. */
export function useCategories() {
  return useQuery({
    queryKey: metaKeys.categories(),
    queryFn: async ({ signal }) =>
      ZCategoryList.parse(await api<unknown>("/api/v1/meta/categories", { signal })).items,
    staleTime: REFERENCE_STALE_MS,
  });
}
