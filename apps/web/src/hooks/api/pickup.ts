import {
  type TReceiveDelivery,
  ZHandoverResponse,
  ZManifest,
  ZMyPickupList,
  ZPickupCheck,
  ZPickupDeliveryList,
  ZPickupPointAssignment,
  ZReceiveResult,
  ZSyncResponse,
  ZUploadedPhoto,
} from "@cs/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import type { OfflineProof, QueuedHandover } from "../../lib/offline-pickup.ts";
import { useViewer } from "./groups.ts";

export const pickupKeys = {
  all: ["pickup"] as const,
  mine: (viewer: string) => [...pickupKeys.all, "mine", viewer] as const,
  point: (viewer: string) => [...pickupKeys.all, "point", viewer] as const,
  deliveries: (viewer: string) => [...pickupKeys.all, "deliveries", viewer] as const,
};

/** `GET /api/v1/me/pickups`: the trader's credentials, with the QR token and short code. */
export function useMyPickups() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: pickupKeys.mine(viewer),
    queryFn: async ({ signal }) =>
      ZMyPickupList.parse(await api<unknown>("/api/v1/me/pickups", { signal })).items,
    enabled: ready && viewer !== "anonymous",
  });
}

/** `GET /api/v1/pickup/point`: where this agent works. */
export function usePickupPoint() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: pickupKeys.point(viewer),
    queryFn: async ({ signal }) =>
      ZPickupPointAssignment.parse(await api<unknown>("/api/v1/pickup/point", { signal }))
        .pickupPoint,
    enabled: ready,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** `GET /api/v1/pickup/deliveries`: what is coming to (or has reached) the agent's point. */
export function usePickupDeliveries() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: pickupKeys.deliveries(viewer),
    queryFn: async ({ signal }) =>
      ZPickupDeliveryList.parse(await api<unknown>("/api/v1/pickup/deliveries", { signal })).items,
    enabled: ready,
    staleTime: 15_000,
  });
}

/** `POST /api/v1/pickup/deliveries/:orderId/receive`: the agent's quality check. */
export function useReceiveDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      orderId,
      photo,
      ...check
    }: Omit<TReceiveDelivery, "photoId"> & { orderId: string; photo?: Blob | null }) => {
      // The photo goes first, on its own (the check-in names it): a retry re-sends both.
      const photoId = photo
        ? ZUploadedPhoto.parse(
            await api<unknown>(`/api/v1/pickup/deliveries/${orderId}/photo`, {
              method: "POST",
              upload: photo,
            }),
          ).photo.id
        : undefined;
      return ZReceiveResult.parse(
        await api<unknown>(`/api/v1/pickup/deliveries/${orderId}/receive`, {
          method: "POST",
          body: { ...check, ...(photoId ? { photoId } : {}) },
        }),
      );
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: pickupKeys.all }),
  });
}

/** `POST /api/v1/pickup/verify`: who and what a token or code is for (changes nothing). */
export async function verifyOnline(proof: OfflineProof) {
  return ZPickupCheck.parse(
    await api<unknown>("/api/v1/pickup/verify", { method: "POST", body: proof }),
  );
}

/** `POST /api/v1/pickup/handovers`: hands over `quantity` units (all that remain by default). */
export async function handOverOnline(proof: OfflineProof, quantity: number, cashAmount?: number) {
  return ZHandoverResponse.parse(
    await api<unknown>("/api/v1/pickup/handovers", {
      method: "POST",
      body: { ...proof, quantity, ...(cashAmount === undefined ? {} : { cashAmount }) },
    }),
  );
}

/** `GET /api/v1/pickup/manifest`: the point's live credentials, as one-way hashes. */
export async function fetchManifest() {
  return ZManifest.parse(await api<unknown>("/api/v1/pickup/manifest"));
}

/** `POST /api/v1/pickup/sync`: the handovers recorded offline, in batches of up to 500. */
export async function syncHandovers(deviceId: string, pending: readonly QueuedHandover[]) {
  const items = pending.slice(0, 500).map((h) => ({
    clientId: h.clientId,
    credentialId: h.credentialId,
    quantity: h.quantity,
    occurredAt: h.occurredAt,
    proof: h.proof,
    ...(h.cashAmount === undefined ? {} : { cashAmount: h.cashAmount }),
  }));
  return ZSyncResponse.parse(
    await api<unknown>("/api/v1/pickup/sync", { method: "POST", body: { deviceId, items } }),
  ).items;
}
