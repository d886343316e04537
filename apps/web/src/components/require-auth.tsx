import { Navigate, Outlet, useLocation } from "react-router";
import { useSession } from "../stores/session.ts";
import { PageLoading } from "./page-loading.tsx";

type RequireAuthProps = {
  /** Also require a verified phone (the profile API answers 403 otherwise). */
  verified?: boolean;
};

/** Waits for the start-up refresh, then lets signed-in users through and sends others to log in. */
export function RequireAuth({ verified = false }: RequireAuthProps) {
  const status = useSession((s) => s.status);
  const user = useSession((s) => s.user);
  const loggedOut = useSession((s) => s.loggedOut);
  const location = useLocation();
  if (status === "unknown") {
    return <PageLoading />;
  }
  if (loggedOut) {
    return <Navigate to="/" replace />;
  }
  if (status === "anonymous" || !user) {
    return (
      <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />
    );
  }
  if (verified && !user.phoneVerified) {
    return <Navigate to="/verify" replace />;
  }
  return <Outlet />;
}
