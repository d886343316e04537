import {
  type TCreatePayout,
  type TCurrency,
  type TPayoutDestinationInput,
  type TPayoutStatus,
  type TResolvePayout,
  ZPayout,
  ZPayoutBalanceList,
  ZPayoutDestination,
  ZPayoutDestinationList,
  ZPayoutList,
  ZSupplierPayouts,
} from "@cs/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { downloadFile } from "../../lib/download.ts";
import { useViewer } from "./groups.ts";

export const payoutKeys = {
  all: ["payouts"] as const,
  destinations: (supplierId: string, viewer: string) =>
    [...payoutKeys.all, "destinations", supplierId, viewer] as const,
  supplier: (supplierId: string, viewer: string) =>
    [...payoutKeys.all, "supplier", supplierId, viewer] as const,
  balances: (viewer: string) => [...payoutKeys.all, "balances", viewer] as const,
  list: (status: TPayoutStatus | "", viewer: string) =>
    [...payoutKeys.all, "list", status, viewer] as const,
};

/** `GET /api/v1/suppliers/:id/payout-destinations`: where the supplier is paid, per currency. */
export function usePayoutDestinations(supplierId: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: payoutKeys.destinations(supplierId, viewer),
    queryFn: async ({ signal }) =>
      ZPayoutDestinationList.parse(
        await api<unknown>(`/api/v1/suppliers/${supplierId}/payout-destinations`, { signal }),
      ).items,
    enabled: ready && supplierId !== "",
  });
}

/** `PUT /api/v1/suppliers/:id/payout-destinations/:currency` (the supplier's owner). */
export function useSetPayoutDestination(supplierId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ currency, ...body }: TPayoutDestinationInput & { currency: TCurrency }) =>
      ZPayoutDestination.parse(
        await api<unknown>(`/api/v1/suppliers/${supplierId}/payout-destinations/${currency}`, {
          method: "PUT",
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: payoutKeys.all }),
  });
}

/** `GET /api/v1/suppliers/:id/payouts`: the supplier's payouts and balances. */
export function useSupplierPayouts(supplierId: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: payoutKeys.supplier(supplierId, viewer),
    queryFn: async ({ signal }) =>
      ZSupplierPayouts.parse(
        await api<unknown>(`/api/v1/suppliers/${supplierId}/payouts?limit=100`, { signal }),
      ),
    enabled: ready && supplierId !== "",
  });
}

/** `GET /api/v1/admin/payouts/balances`: every supplier's money, and how payouts can go out. */
export function usePayoutBalances() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: payoutKeys.balances(viewer),
    queryFn: async ({ signal }) =>
      ZPayoutBalanceList.parse(await api<unknown>("/api/v1/admin/payouts/balances", { signal })),
    enabled: ready,
  });
}

/** `GET /api/v1/admin/payouts`: payouts of every supplier, newest first. */
export function useAdminPayouts(status: TPayoutStatus | "") {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: payoutKeys.list(status, viewer),
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ limit: "100" });
      if (status) {
        params.set("status", status);
      }
      return ZPayoutList.parse(await api<unknown>(`/api/v1/admin/payouts?${params}`, { signal }))
        .items;
    },
    enabled: ready,
  });
}

/** `POST /api/v1/admin/payouts`: pay a supplier out of their releasable balance. */
export function useCreatePayout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TCreatePayout) =>
      ZPayout.parse(await api<unknown>("/api/v1/admin/payouts", { method: "POST", body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: payoutKeys.all }),
  });
}

/** `POST /api/v1/admin/payouts/:id/resolve`: the bank paid it (with its reference) or bounced it. */
export function useResolvePayout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: TResolvePayout & { id: string }) =>
      ZPayout.parse(
        await api<unknown>(`/api/v1/admin/payouts/${id}/resolve`, { method: "POST", body }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: payoutKeys.all }),
  });
}

/** `POST /api/v1/admin/payouts/export`: downloads the payout file; its payouts become sent. */
export function useExportPayoutFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (currency: TCurrency) => {
      await downloadFile(
        `/api/v1/admin/payouts/export?currency=${currency}`,
        `payouts-${currency}.csv`,
        "POST",
      );
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: payoutKeys.all }),
  });
}
