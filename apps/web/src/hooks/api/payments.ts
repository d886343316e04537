import {
  type TCurrency,
  ZPaymentHistory,
  ZPaymentMethods,
  ZPaymentSession,
  ZReceipt,
} from "@cs/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { useViewer } from "./groups.ts";

export const paymentKeys = {
  all: ["payments"] as const,
  detail: (paymentId: string) => [...paymentKeys.all, "detail", paymentId] as const,
  methods: (currency: string) => [...paymentKeys.all, "methods", currency] as const,
  history: () => [...paymentKeys.all, "history"] as const,
  receipt: (paymentId: string) => [...paymentKeys.all, "receipt", paymentId] as const,
};

/** How often and how long the return page asks while a payment is still being confirmed. */
export const PAYMENT_POLL_MS = 1_500;
export const PAYMENT_POLL_FOR_MS = 30_000;
/** While the trader approves on the handset: asked every 3 s for as long as the prompt lasts. */
export const EXPRESS_POLL_MS = 3_000;
export const EXPRESS_PROMPT_MS = 120_000;

/**
 * `GET /api/v1/payments/:id` for the trader's own payment. While it is pending it is asked again
 * every 1.5 s for up to 30 s after `since` (every 3 s for two minutes while a handset prompt is
 * out); a `user:update` push refreshes it sooner.
 */
export function usePayment(paymentId: string, since: number) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: paymentKeys.detail(paymentId),
    queryFn: async ({ signal }) =>
      ZPaymentSession.parse(await api<unknown>(`/api/v1/payments/${paymentId}`, { signal })),
    enabled: ready && viewer !== "anonymous",
    staleTime: 0,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (data?.status !== "pending") {
        return false;
      }
      const express = !data.checkoutUrl && Boolean(data.instructions || data.phone);
      const window = express ? EXPRESS_PROMPT_MS : PAYMENT_POLL_FOR_MS;
      if (Date.now() - since >= window) {
        return false;
      }
      return express ? EXPRESS_POLL_MS : PAYMENT_POLL_MS;
    },
  });
}

/** `POST /api/v1/payments/:id/check`: "Check again" asks the provider now. */
export function useCheckPayment(paymentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      ZPaymentSession.parse(
        await api<unknown>(`/api/v1/payments/${paymentId}/check`, { method: "POST", body: {} }),
      ),
    onSuccess: (session) => queryClient.setQueryData(paymentKeys.detail(paymentId), session),
  });
}

/** `GET /api/v1/payments/methods`: what a share in this currency can be paid with. */
export function usePaymentMethods(currency: TCurrency) {
  return useQuery({
    queryKey: paymentKeys.methods(currency),
    queryFn: async ({ signal }) =>
      ZPaymentMethods.parse(
        await api<unknown>(`/api/v1/payments/methods?currency=${currency}`, { signal }),
      ),
    staleTime: 5 * 60_000,
  });
}

/** `GET /api/v1/me/payments`: the trader's payments and refunds, newest first. */
export function usePaymentHistory() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: paymentKeys.history(),
    queryFn: async ({ signal }) =>
      ZPaymentHistory.parse(await api<unknown>("/api/v1/me/payments?limit=50", { signal })),
    enabled: ready && viewer !== "anonymous",
  });
}

/** `GET /api/v1/me/payments/:id/receipt`. */
export function useReceipt(paymentId: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: paymentKeys.receipt(paymentId),
    queryFn: async ({ signal }) =>
      ZReceipt.parse(await api<unknown>(`/api/v1/me/payments/${paymentId}/receipt`, { signal })),
    enabled: ready && viewer !== "anonymous",
    staleTime: 60_000,
  });
}
