import { type TGroupRequestView, ZGroupRequestList, ZGroupRequestView } from "@cs/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { useViewer } from "./groups.ts";

export type RequestStatus = TGroupRequestView["status"];
export type RequestFilters = { status?: RequestStatus; category?: string; market?: string };

export type NewGroupRequest = {
  categoryId: string;
  marketId: string;
  description: string;
  quantity: number;
};

export const requestKeys = {
  all: ["group-requests"] as const,
  lists: () => [...requestKeys.all, "list"] as const,
  list: (filters: RequestFilters, viewer: string) =>
    [...requestKeys.lists(), filters, viewer] as const,
};

/**
 * `GET /api/v1/group-requests`: a trader's own requests, or every trader's for suppliers and
 * admins (without who asked). Up to 100, oldest first as the server lists them.
 */
export function useGroupRequests(filters: RequestFilters, enabled = true) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: requestKeys.list(filters, viewer),
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ limit: "100" });
      for (const key of ["status", "category", "market"] as const) {
        const value = filters[key];
        if (value) {
          params.set(key, value);
        }
      }
      return ZGroupRequestList.parse(
        await api<unknown>(`/api/v1/group-requests?${params}`, { signal }),
      ).items;
    },
    enabled: ready && viewer !== "anonymous" && enabled,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
}

/** `POST /api/v1/group-requests`: a trader asks suppliers for a group buy. */
export function useCreateGroupRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: NewGroupRequest) =>
      ZGroupRequestView.parse(
        await api<unknown>("/api/v1/group-requests", { method: "POST", body: input }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: requestKeys.lists() }),
  });
}

/** `POST /api/v1/group-requests/:id/decline`, with the reason (kept in the audit trail). */
export function useDeclineGroupRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { requestId: string; reason: string }) =>
      ZGroupRequestView.parse(
        await api<unknown>(`/api/v1/group-requests/${input.requestId}/decline`, {
          method: "POST",
          body: { reason: input.reason },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: requestKeys.lists() }),
  });
}
