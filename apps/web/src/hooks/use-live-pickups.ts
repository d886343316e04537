import { type TMyPickup, ZCredentialStatus } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { z } from "zod";
import { withSocket } from "../lib/realtime.ts";
import { pickupKeys } from "./api/pickup.ts";

/** What `pickup:update` carries to the trader's own room (never the token or code). */
const ZPickupUpdate = z.object({
  credentialId: z.string(),
  status: ZCredentialStatus,
  collectedQty: z.number().int(),
  remainingQty: z.number().int(),
  expiresAt: z.string(),
});

/**
 * Keeps the trader's pickups current: a handover at the counter shows "collected" on their phone
 * at once. The pushed state is merged into the cache, then the list is fetched again.
 */
export function useLivePickups(viewer: string): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      withSocket((socket) => {
        const apply = (payload: unknown) => {
          const parsed = ZPickupUpdate.safeParse(payload);
          if (!parsed.success) {
            return;
          }
          const update = parsed.data;
          const live = update.status === "live";
          queryClient.setQueryData<TMyPickup[]>(pickupKeys.mine(viewer), (items) =>
            items?.map((item) =>
              item.credentialId === update.credentialId
                ? {
                    ...item,
                    ...update,
                    token: live ? item.token : null,
                    shortCode: live ? item.shortCode : null,
                  }
                : item,
            ),
          );
          void queryClient.invalidateQueries({ queryKey: pickupKeys.mine(viewer) });
        };
        // Back from a dropped connection: whatever changed meanwhile is in a fresh list.
        const refetch = () =>
          void queryClient.invalidateQueries({ queryKey: pickupKeys.mine(viewer) });
        socket.on("pickup:update", apply);
        socket.io.on("reconnect", refetch);
        return () => {
          socket.off("pickup:update", apply);
          socket.io.off("reconnect", refetch);
        };
      }),
    [queryClient, viewer],
  );
}
