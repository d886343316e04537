import { ZGroupProgress } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { liveSocket, withSocket } from "../lib/realtime.ts";
import { invalidateShares, mergeGroupProgress } from "./api/groups.ts";
import { paymentKeys } from "./api/payments.ts";

/** What the server pushes to a trader's own room when a payment, refund or share changes. */
export type UserUpdate = {
  kind: "payment" | "refund" | "participation";
  id: string;
  status: string;
  groupId: string | null;
  amount: number | null;
};

/**
 * Watches a group's room: its progress lands in the query cache as it is pushed, and the group is
 * watched again after every reconnection, whose answer is the current state (catching up on
 * whatever was missed). Answers whether the page is live right now.
 */
export function useLiveGroup(groupId: string): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    let stopped = false;
    let detach = () => {};
    void liveSocket().then((socket) => {
      if (stopped) {
        return;
      }
      const apply = (payload: unknown) => {
        const parsed = ZGroupProgress.safeParse(payload);
        if (parsed.success && parsed.data.groupId === groupId) {
          if (mergeGroupProgress(queryClient, parsed.data)) {
            invalidateShares(queryClient, groupId);
          }
        }
      };
      const watch = () => {
        setLive(true);
        socket
          .timeout(10_000)
          .emitWithAck("group:watch", groupId)
          .then(apply, () => setLive(false));
      };
      const offline = () => setLive(false);
      socket.on("connect", watch);
      socket.on("disconnect", offline);
      socket.on("group:progress", apply);
      if (socket.connected) {
        watch();
      }
      detach = () => {
        socket.off("connect", watch);
        socket.off("disconnect", offline);
        socket.off("group:progress", apply);
        if (socket.connected) {
          socket.emit("group:unwatch", groupId);
        }
      };
    });
    return () => {
      stopped = true;
      detach();
    };
  }, [groupId, queryClient]);
  return live;
}

/**
 * Listens to the signed-in trader's own room: a payment, refund or share that changes refreshes
 * what shows it. `onUpdate` sees each update too.
 */
export function useUserUpdates(onUpdate?: (update: UserUpdate) => void): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      withSocket((socket) => {
        const handle = (update: UserUpdate) => {
          if (update.kind === "payment") {
            void queryClient.invalidateQueries({ queryKey: paymentKeys.detail(update.id) });
          }
          invalidateShares(queryClient, update.groupId ?? undefined);
          onUpdate?.(update);
        };
        socket.on("user:update", handle);
        return () => socket.off("user:update", handle);
      }),
    [queryClient, onUpdate],
  );
}
