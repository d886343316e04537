import {
  type TOrderStatus,
  type TResolveDispute,
  ZDispute,
  ZDisputeList,
  ZOrderList,
  ZPayableList,
  ZSupplierOrder,
} from "@cs/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { downloadFile } from "../../lib/download.ts";
import { useViewer } from "./groups.ts";

export const orderKeys = {
  all: ["orders"] as const,
  lists: () => [...orderKeys.all, "list"] as const,
  list: (supplierId: string, status: TOrderStatus | "", viewer: string) =>
    [...orderKeys.lists(), supplierId, status, viewer] as const,
  detail: (id: string, viewer: string) => [...orderKeys.all, "detail", id, viewer] as const,
  payables: (supplierId: string, viewer: string) =>
    [...orderKeys.all, "payables", supplierId, viewer] as const,
  disputes: (status: string, viewer: string) => ["disputes", status, viewer] as const,
};

/** `GET /api/v1/orders`: the supplier's orders (admins: every supplier's, or one), newest first. */
export function useOrders(supplierId: string, status: TOrderStatus | "") {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: orderKeys.list(supplierId, status, viewer),
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ limit: "100" });
      if (status) {
        params.set("status", status);
      }
      if (supplierId) {
        params.set("supplierId", supplierId);
      }
      return ZOrderList.parse(await api<unknown>(`/api/v1/orders?${params}`, { signal })).items;
    },
    enabled: ready,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/orders/:id`, with what the viewer may do next in `abilities`. */
export function useOrder(id: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: orderKeys.detail(id, viewer),
    queryFn: async ({ signal }) =>
      ZSupplierOrder.parse(await api<unknown>(`/api/v1/orders/${id}`, { signal })),
    enabled: ready,
  });
}

export type OrderAction =
  | { kind: "accept"; deliveryDate: string }
  | { kind: "reject"; reason: string }
  | { kind: "dispatch"; trackingNote?: string }
  | { kind: "deliver" };

/** Accept, reject, dispatch or mark delivered: the answer is the order as it now stands. */
export function useOrderAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ kind, ...body }: OrderAction) =>
      ZSupplierOrder.parse(
        await api<unknown>(`/api/v1/orders/${id}/${kind}`, { method: "POST", body }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: orderKeys.all }),
  });
}

/** `GET /api/v1/suppliers/:id/payables`: what the supplier is owed per group, with totals. */
export function usePayables(supplierId: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: orderKeys.payables(supplierId, viewer),
    queryFn: async ({ signal }) =>
      ZPayableList.parse(
        await api<unknown>(`/api/v1/suppliers/${supplierId}/payables`, { signal }),
      ),
    enabled: ready && supplierId !== "",
  });
}

/** `GET /api/v1/admin/disputes`: open (or resolved) disputes, newest first. */
export function useDisputes(status: "open" | "resolved") {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: orderKeys.disputes(status, viewer),
    queryFn: async ({ signal }) =>
      ZDisputeList.parse(
        await api<unknown>(`/api/v1/admin/disputes?status=${status}&limit=100`, { signal }),
      ).items,
    enabled: ready,
    placeholderData: keepPreviousData,
  });
}

/** `POST /api/v1/admin/disputes/:id/resolve`. */
export function useResolveDispute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: TResolveDispute & { id: string }) =>
      ZDispute.parse(
        await api<unknown>(`/api/v1/admin/disputes/${id}/resolve`, { method: "POST", body }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["disputes"] }),
  });
}

/** Downloads `GET /api/v1/orders/:id/invoice` (a PDF) and saves it. */
export async function downloadInvoice(orderId: string, fileName: string): Promise<void> {
  await downloadFile(`/api/v1/orders/${orderId}/invoice`, fileName);
}
