import { ZExchangeRateCurrent, ZExchangeRateHistory } from "@cs/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { groupKeys } from "./groups.ts";

export const rateKeys = {
  all: ["exchange-rates"] as const,
  current: () => [...rateKeys.all, "current"] as const,
  history: () => [...rateKeys.all, "history"] as const,
};

const ZRateHistoryItem = ZExchangeRateHistory.shape.items.element;

/** `GET /api/v1/exchange-rates/current`: the USD→ZiG rate in force, or null before any is set. */
export function useCurrentRate() {
  return useQuery({
    queryKey: rateKeys.current(),
    queryFn: async ({ signal }) =>
      ZExchangeRateCurrent.parse(await api<unknown>("/api/v1/exchange-rates/current", { signal }))
        .current,
    staleTime: 60_000,
  });
}

/** `GET /api/v1/admin/exchange-rates`: every rate ever set, newest first (admins). */
export function useRateHistory() {
  return useQuery({
    queryKey: rateKeys.history(),
    queryFn: async ({ signal }) =>
      ZExchangeRateHistory.parse(await api<unknown>("/api/v1/admin/exchange-rates", { signal }))
        .items,
    staleTime: 60_000,
  });
}

/** `PUT /api/v1/admin/exchange-rates` (superadmins). Groups refetch: their ZiG prices change. */
export function useSetRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (rate: string) =>
      ZRateHistoryItem.parse(
        await api<unknown>("/api/v1/admin/exchange-rates", {
          method: "PUT",
          body: { quote: "ZWG", rate },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: rateKeys.all });
      void queryClient.invalidateQueries({ queryKey: groupKeys.all });
    },
  });
}
