import { ZPaymentSession } from "@cs/contracts";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { useViewer } from "./groups.ts";

export const paymentKeys = {
  all: ["payments"] as const,
  detail: (paymentId: string) => [...paymentKeys.all, "detail", paymentId] as const,
};

/** How often and how long the return page asks while a payment is still being confirmed. */
export const PAYMENT_POLL_MS = 1_500;
export const PAYMENT_POLL_FOR_MS = 30_000;

/**
 * `GET /api/v1/payments/:id` for the trader's own payment. While it is pending it is asked again
 * every 1.5 s for up to 30 s after `since`; a `user:update` push refreshes it sooner.
 */
export function usePayment(paymentId: string, since: number) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: paymentKeys.detail(paymentId),
    queryFn: async ({ signal }) =>
      ZPaymentSession.parse(await api<unknown>(`/api/v1/payments/${paymentId}`, { signal })),
    enabled: ready && viewer !== "anonymous",
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.data?.status === "pending" && Date.now() - since < PAYMENT_POLL_FOR_MS
        ? PAYMENT_POLL_MS
        : false,
  });
}
