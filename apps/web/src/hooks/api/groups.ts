import {
  type GROUP_SORTS,
  type TCheckoutMethod,
  type TCreateGroupRequest,
  type TGroup,
  type TGroupProgress,
  type TGroupStatus,
  type TJoinGroupRequest,
  ZGroup,
  ZGroupList,
  ZJoinGroupResponse,
  ZParticipation,
  ZParticipationList,
  ZPaymentSession,
} from "@cs/contracts";
import {
  type InfiniteData,
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { z } from "zod";
import { api } from "../../lib/api.ts";
import { noteServerTime } from "../../lib/server-clock.ts";
import { useSession } from "../../stores/session.ts";

export type GroupSort = (typeof GROUP_SORTS)[number];
export type GroupFilters = { q: string; category: string; market: string; sort: GroupSort };
type GroupPage = z.infer<typeof ZGroupList>;

export const groupKeys = {
  all: ["groups"] as const,
  lists: () => [...groupKeys.all, "list"] as const,
  list: (filters: GroupFilters, viewer: string) => [...groupKeys.lists(), filters, viewer] as const,
  details: () => [...groupKeys.all, "detail"] as const,
  /** Every viewer's copy of one group (for merging live progress). */
  detailOf: (id: string) => [...groupKeys.details(), id] as const,
  detail: (id: string, viewer: string) => [...groupKeys.detailOf(id), viewer] as const,
  mine: (viewer: string) => [...groupKeys.all, "mine", viewer] as const,
  /** A supplier's (or, for admins, every supplier's: `""`) groups in one status. */
  managedLists: () => [...groupKeys.all, "managed"] as const,
  managed: (supplierId: string, status: TGroupStatus, viewer: string) =>
    [...groupKeys.managedLists(), supplierId, status, viewer] as const,
};

/**
 * Who is asking, for query keys: a group answers differently to each viewer (`myParticipation`,
 * `abilities`). `ready` is false until the start-up refresh has said whether anyone is signed in,
 * so a page does not fetch once anonymously and then again with the token.
 */
export function useViewer() {
  const status = useSession((s) => s.status);
  const userId = useSession((s) => s.user?.id);
  return { ready: status !== "unknown", viewer: userId ?? "anonymous" };
}

function parseGroup(raw: unknown): TGroup {
  const group = ZGroup.parse(raw);
  noteServerTime(group.serverTime);
  return group;
}

/** `GET /api/v1/groups`: open groups matching the filters, a page at a time ("load more"). */
export function useGroupSearch(filters: GroupFilters) {
  const { ready, viewer } = useViewer();
  return useInfiniteQuery({
    queryKey: groupKeys.list(filters, viewer),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }): Promise<GroupPage> => {
      const params = new URLSearchParams({ sort: filters.sort, limit: "10" });
      for (const key of ["q", "category", "market"] as const) {
        const value = filters[key].trim();
        if (value) {
          params.set(key, value);
        }
      }
      if (pageParam) {
        params.set("cursor", pageParam);
      }
      const page = ZGroupList.parse(await api<unknown>(`/api/v1/groups?${params}`, { signal }));
      const first = page.items[0];
      if (first) {
        noteServerTime(first.serverTime);
      }
      return page;
    },
    getNextPageParam: (last) => last.nextCursor,
    enabled: ready,
    staleTime: 15_000,
    // Keep the old results on screen while the next search loads: no flash on a slow link.
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/groups/:id`, with the viewer's share and abilities when signed in. */
export function useGroup(id: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: groupKeys.detail(id, viewer),
    queryFn: async ({ signal }) =>
      parseGroup(await api<unknown>(`/api/v1/groups/${id}`, { signal })),
    enabled: ready,
    staleTime: 10_000,
  });
}

/**
 * Puts pushed progress into every cached copy of the group (detail and search results), so bars
 * move without a reload. Answers whether the group needs asking again: a new status changes the
 * final price and the viewer's share, a new price the ZiG equivalent (not in the push).
 */
export function mergeGroupProgress(queryClient: QueryClient, progress: TGroupProgress): boolean {
  noteServerTime(progress.serverTime);
  let stale = false;
  const { groupId, ...fields } = progress;
  queryClient.setQueriesData<TGroup>({ queryKey: groupKeys.detailOf(groupId) }, (old) => {
    if (!old) {
      return old;
    }
    stale ||=
      old.status !== fields.status ||
      (old.altPrice !== null && old.currentUnitPrice !== fields.currentUnitPrice);
    return { ...old, ...fields };
  });
  queryClient.setQueriesData<InfiniteData<GroupPage>>({ queryKey: groupKeys.lists() }, (old) =>
    old
      ? {
          ...old,
          pages: old.pages.map((page) => ({
            ...page,
            items: page.items.map((g) => (g.id === groupId ? { ...g, ...fields } : g)),
          })),
        }
      : old,
  );
  return stale;
}

/** After any change to the trader's shares: the group, the lists and "My groups" refetch. */
export function invalidateShares(queryClient: QueryClient, groupId?: string) {
  void queryClient.invalidateQueries({
    queryKey: groupId ? groupKeys.detailOf(groupId) : groupKeys.details(),
  });
  void queryClient.invalidateQueries({ queryKey: groupKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: [...groupKeys.all, "mine"] });
}

/** `POST /api/v1/groups/:id/join`: reserves the quantity and opens a checkout. */
export function useJoinGroup(groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: TJoinGroupRequest) =>
      ZJoinGroupResponse.parse(
        await api<unknown>(`/api/v1/groups/${groupId}/join`, { method: "POST", body: input }),
      ),
    onSuccess: () => invalidateShares(queryClient, groupId),
  });
}

const ZChangeQuantityResponse = z.object({
  participation: ZParticipation,
  payment: ZPaymentSession.nullable(),
});

/** `PATCH /api/v1/participations/:id`: a reservation gets a new checkout, a paid share a refund. */
export function useChangeQuantity(groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { participationId: string; quantity: number }) =>
      ZChangeQuantityResponse.parse(
        await api<unknown>(`/api/v1/participations/${input.participationId}`, {
          method: "PATCH",
          body: { quantity: input.quantity },
        }),
      ),
    onSuccess: () => invalidateShares(queryClient, groupId),
  });
}

/** `DELETE /api/v1/participations/:id`: leaves the group, refunded if paid. */
export function useLeaveGroup(groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (participationId: string) =>
      ZParticipation.parse(
        await api<unknown>(`/api/v1/participations/${participationId}`, { method: "DELETE" }),
      ),
    onSuccess: () => invalidateShares(queryClient, groupId),
  });
}

/** `POST /api/v1/participations/:id/pay`: a new checkout for a reservation still on hold. */
export function useRetryPayment(groupId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      participationId,
      choice,
    }: {
      participationId: string;
      /** The method (and number) picked this time; the server's default route without one. */
      choice?: { method: TCheckoutMethod; phone?: string };
    }) =>
      ZPaymentSession.parse(
        await api<unknown>(`/api/v1/participations/${participationId}/pay`, {
          method: "POST",
          body: choice ?? {},
        }),
      ),
    onSuccess: () => invalidateShares(queryClient, groupId),
  });
}

/** `GET /api/v1/me/participations`: every share of the signed-in trader ("My groups"). */
export function useMyParticipations() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: groupKeys.mine(viewer),
    queryFn: async ({ signal }) =>
      ZParticipationList.parse(await api<unknown>("/api/v1/me/participations", { signal })).items,
    enabled: ready && viewer !== "anonymous",
    staleTime: 15_000,
  });
}

/**
 * `GET /api/v1/groups?supplier=…&status=…`: a supplier's groups in one status, newest first, for
 * the Manage area. Only groups really in that status are kept: the search answers open groups
 * when asked for drafts (it never lists drafts).
 */
export function useManagedGroups(supplierId: string, status: TGroupStatus, enabled = true) {
  const { ready, viewer } = useViewer();
  return useInfiniteQuery({
    queryKey: groupKeys.managed(supplierId, status, viewer),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }): Promise<GroupPage> => {
      const params = new URLSearchParams({ status, sort: "newest", limit: "20" });
      if (supplierId) {
        params.set("supplier", supplierId);
      }
      if (pageParam) {
        params.set("cursor", pageParam);
      }
      const page = ZGroupList.parse(await api<unknown>(`/api/v1/groups?${params}`, { signal }));
      const first = page.items[0];
      if (first) {
        noteServerTime(first.serverTime);
      }
      return { ...page, items: page.items.filter((g) => g.status === status) };
    },
    getNextPageParam: (last) => last.nextCursor,
    enabled: ready && viewer !== "anonymous" && enabled,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
}

/** After a supplier or admin changes a group: its page and every list refetch. */
function invalidateManaged(queryClient: QueryClient, groupId?: string) {
  void queryClient.invalidateQueries({ queryKey: groupKeys.managedLists() });
  invalidateShares(queryClient, groupId);
}

/** `POST /api/v1/groups`: a new group offer, open now or kept as a draft; answers the group. */
export function useCreateGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: TCreateGroupRequest) =>
      parseGroup(await api<unknown>("/api/v1/groups", { method: "POST", body: input })),
    onSuccess: () => invalidateManaged(queryClient),
  });
}

/** `POST /api/v1/groups/:id/open`: a draft goes live. */
export function useOpenGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (groupId: string) =>
      parseGroup(await api<unknown>(`/api/v1/groups/${groupId}/open`, { method: "POST" })),
    onSuccess: (group) => invalidateManaged(queryClient, group.id),
  });
}

/** `POST /api/v1/groups/:id/cancel`: everyone who paid is refunded in full. */
export function useCancelGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { groupId: string; reason: string }) =>
      parseGroup(
        await api<unknown>(`/api/v1/groups/${input.groupId}/cancel`, {
          method: "POST",
          body: { reason: input.reason },
        }),
      ),
    onSuccess: (group) => invalidateManaged(queryClient, group.id),
  });
}
