import {
  type TNotification,
  type TNotificationList,
  type TUpdatePreferences,
  ZDeadLetterList,
  ZNotificationList,
  ZNotificationPreferences,
  ZUnreadCount,
} from "@cs/contracts";
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "../../lib/api.ts";
import { withSocket } from "../../lib/realtime.ts";
import { announceUnread } from "../../lib/unread.ts";
import { useViewer } from "./groups.ts";

export const notificationKeys = {
  all: ["notifications"] as const,
  list: (viewer: string) => [...notificationKeys.all, "list", viewer] as const,
  preferences: (viewer: string) => [...notificationKeys.all, "preferences", viewer] as const,
  deadLetters: () => [...notificationKeys.all, "dead-letters"] as const,
};

type Pages = InfiniteData<TNotificationList, string | null>;

/** `GET /api/v1/notifications`, newest first, older pages on demand; live pushes prepended. */
export function useNotifications() {
  const { ready, viewer } = useViewer();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: notificationKeys.list(viewer),
    queryFn: async ({ pageParam, signal }) => {
      const cursor = pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : "";
      return ZNotificationList.parse(
        await api<unknown>(`/api/v1/notifications?limit=20${cursor}`, { signal }),
      );
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: ready && viewer !== "anonymous",
  });
  useEffect(
    () =>
      withSocket((socket) => {
        const add = (item: TNotification) => {
          queryClient.setQueryData<Pages>(notificationKeys.list(viewer), (data) => {
            if (!data || data.pages[0]?.items.some((n) => n.id === item.id)) {
              return data;
            }
            const [first, ...rest] = data.pages;
            return first
              ? {
                  ...data,
                  pages: [
                    { ...first, items: [item, ...first.items], unread: first.unread + 1 },
                    ...rest,
                  ],
                }
              : data;
          });
        };
        // After a reconnection, whatever was pushed meanwhile is fetched again.
        const catchUp = () =>
          void queryClient.invalidateQueries({ queryKey: notificationKeys.list(viewer) });
        socket.on("notification:new", add);
        socket.on("connect", catchUp);
        return () => {
          socket.off("notification:new", add);
          socket.off("connect", catchUp);
        };
      }),
    [queryClient, viewer],
  );
  return query;
}

/** `POST /api/v1/notifications/read`: the ids given, or all of them. */
export function useMarkRead() {
  const { viewer } = useViewer();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (ids?: string[]) =>
      ZUnreadCount.parse(
        await api<unknown>("/api/v1/notifications/read", {
          method: "POST",
          body: ids ? { ids } : {},
        }),
      ),
    onSuccess: ({ unread }, ids) => {
      announceUnread(unread);
      queryClient.setQueryData<Pages>(notificationKeys.list(viewer), (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                unread,
                items: page.items.map((n) =>
                  !ids || ids.includes(n.id) ? { ...n, read: true } : n,
                ),
              })),
            }
          : data,
      );
    },
  });
}

export function usePreferences() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: notificationKeys.preferences(viewer),
    queryFn: async ({ signal }) =>
      ZNotificationPreferences.parse(
        await api<unknown>("/api/v1/notifications/preferences", { signal }),
      ),
    enabled: ready && viewer !== "anonymous",
  });
}

export function useSavePreferences() {
  const { viewer } = useViewer();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: TUpdatePreferences) =>
      ZNotificationPreferences.parse(
        await api<unknown>("/api/v1/notifications/preferences", { method: "PUT", body: change }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(notificationKeys.preferences(viewer), saved),
  });
}

/** Admins: messages that ran out of attempts. */
export function useDeadLetters() {
  return useQuery({
    queryKey: notificationKeys.deadLetters(),
    queryFn: async ({ signal }) =>
      ZDeadLetterList.parse(
        await api<unknown>("/api/v1/admin/notifications/dead-letters", { signal }),
      ).items,
  });
}

export function useRetryDeadLetter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<void>(`/api/v1/admin/notifications/dead-letters/${id}/retry`, {
        method: "POST",
        body: {},
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.deadLetters() }),
  });
}
