import { type TTraderProfile, type TTraderProfileInput, ZProfileResponse } from "@cs/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { useSession } from "../../stores/session.ts";

export const profileKeys = {
  all: ["profile"] as const,
  mine: (userId: string) => [...profileKeys.all, "mine", userId] as const,
};

/** `GET /api/v1/me/profile` for the signed-in trader; `null` until onboarding is done. */
export function myProfileQuery(userId: string) {
  return queryOptions({
    queryKey: profileKeys.mine(userId),
    queryFn: async ({ signal }): Promise<TTraderProfile | null> =>
      ZProfileResponse.parse(await api<unknown>("/api/v1/me/profile", { signal })).profile,
  });
}

export function useMyProfile() {
  const userId = useSession((s) => s.user?.id ?? "");
  return useQuery({ ...myProfileQuery(userId), enabled: userId !== "" });
}

/** `PUT /api/v1/me/profile`: saves the preferences and primes the cache with the answer. */
export function useSaveProfile() {
  const queryClient = useQueryClient();
  const userId = useSession((s) => s.user?.id ?? "");
  return useMutation({
    mutationFn: async (input: TTraderProfileInput) =>
      ZProfileResponse.parse(
        await api<unknown>("/api/v1/me/profile", { method: "PUT", body: input }),
      ).profile,
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKeys.mine(userId), profile);
    },
  });
}
