import type { TUser } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { canManage } from "../lib/roles.ts";
import { myProfileQuery } from "./api/profile.ts";

/** Pages of the trader's own journey, where a supplier or admin has nothing to do. */
const TRADER_PAGES = /^\/(dashboard|onboarding|profile|my-groups|my-pickups|verify)(\/|\?|$)/;

/**
 * Where a trader goes once signed in: confirm the phone first, then onboarding until a profile
 * exists, then the dashboard (or the page they were sent away from). Suppliers and admins who
 * manage groups go to the Manage area instead (or back to a page that is not a trader's), and
 * pickup agents to their counter.
 */
export function usePostAuthRoute() {
  const queryClient = useQueryClient();
  return useCallback(
    async (user: TUser, from?: string): Promise<string> => {
      if (!user.phoneVerified) {
        return "/verify";
      }
      if (canManage(user)) {
        return from && !TRADER_PAGES.test(from) ? from : "/manage";
      }
      if (user.role === "pickup_agent") {
        return from?.startsWith("/pickup") ? from : "/pickup";
      }
      if (user.role !== "trader") {
        return from && !TRADER_PAGES.test(from) ? from : "/groups";
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
