import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { groupKeys } from "./api/groups.ts";

/**
 * Sends the browser to the payment provider's hosted checkout (a full page load) and says when it
 * is on its way. A trader who comes back with the Back button may get this page from the
 * back-forward cache as it was left: the spinner stops and the group is asked for again.
 */
export function useCheckoutRedirect() {
  const queryClient = useQueryClient();
  const [redirecting, setRedirecting] = useState(false);
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) {
        setRedirecting(false);
        void queryClient.invalidateQueries({ queryKey: groupKeys.all });
      }
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, [queryClient]);
  const goToCheckout = useCallback((url: string) => {
    setRedirecting(true);
    window.location.assign(url);
  }, []);
  return { redirecting, goToCheckout };
}
