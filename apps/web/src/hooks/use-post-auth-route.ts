import type { TUser } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { myProfileQuery } from "./api/profile.ts";

/**
 * Where a trader goes once signed in: confirm the phone first, then onboarding until a profile
 * exists, then the dashboard (or the page they were sent away from).
 */
export function usePostAuthRoute() {
  const queryClient = useQueryClient();
  return useCallback(
    async (user: TUser, from?: string): Promise<string> => {
      if (!user.phoneVerified) {
        return "/verify";
      }
      try {
        const profile = await queryClient.fetchQuery(myProfileQuery(user.id));
        if (!profile) {
          return "/onboarding";
        }
      } catch {
        // The dashboard will ask again and show the error there.
      }
      return from && from !== "/verify" ? from : "/dashboard";
    },
    [queryClient],
  );
}
