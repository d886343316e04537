import { Suspense, useEffect, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Outlet } from "react-router";
import { usePickupPoint } from "../hooks/api/pickup.ts";
import { usePickupOffline } from "../stores/pickup-offline.ts";
import { useSession } from "../stores/session.ts";
import { Button } from "./button.tsx";
import { MapPinIcon } from "./icons.tsx";
import { PageLoading } from "./page-loading.tsx";
import { sectionTabClass } from "./section-tabs.ts";

function subscribeOnline(callback: () => void) {
  window.addEventListener("online", callback);
  window.addEventListener("offline", callback);
  return () => {
    window.removeEventListener("online", callback);
    window.removeEventListener("offline", callback);
  };
}

/** Whether the browser believes it has a network; re-renders when that changes. */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

/** Network state and what waits to sync, always in sight: the agent must never wonder. */
function SyncBar() {
  const { t } = useTranslation();
  const online = useOnline();
  const pending = usePickupOffline((s) => s.book.pending.length);
  const syncing = usePickupOffline((s) => s.syncing);
  const sync = usePickupOffline((s) => s.sync);
  return (
    <div
      className={`flex flex-wrap items-center gap-2 px-4 py-2 text-[15px] font-semibold ${
        online ? "bg-green-50 text-green-900" : "bg-stone-800 text-white"
      }`}
      data-testid="sync-bar"
    >
      <span data-testid="network-state">{online ? t("pickup.online") : t("pickup.offline")}</span>
      {pending > 0 ? (
        <>
          <span
            className="rounded-full bg-amber-400 px-2.5 py-1 text-stone-900"
            data-testid="unsynced-badge"
          >
            {t("pickup.unsynced", { count: pending })}
          </span>
          {online ? (
            <Button
              variant="secondary"
              className="ml-auto min-h-11! py-1.5!"
              busy={syncing}
              onClick={() => void sync().catch(() => {})}
              data-testid="sync-now"
            >
              {t("pickup.syncNow")}
            </Button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/**
 * The pickup agent's section (`/pickup/*`): where they work, the network and sync state, then
 * handovers or deliveries. Handovers recorded offline are sent as soon as the network is back.
 */
export function PickupLayout() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const open = usePickupOffline((s) => s.open);
  const sync = usePickupOffline((s) => s.sync);
  const point = usePickupPoint();
  const isAgent = user?.role === "pickup_agent";
  useEffect(() => {
    if (!isAgent || !user) {
      return;
    }
    open(user.id);
    const send = () => void sync().catch(() => {});
    if (navigator.onLine) {
      send();
    }
    window.addEventListener("online", send);
    return () => window.removeEventListener("online", send);
  }, [isAgent, user, open, sync]);
  if (!isAgent) {
    return <Navigate to="/" replace />;
  }
  return (
    <div className="flex flex-1 flex-col">
      <SyncBar />
      {point.data ? (
        <p
          className="flex items-center gap-1.5 px-4 pt-3 text-[15px] font-semibold text-stone-800"
          data-testid="pickup-point-name"
        >
          <MapPinIcon className="size-5 shrink-0" />
          {point.data.name}
        </p>
      ) : null}
      <nav
        aria-label={t("pickup.sections")}
        className="flex gap-2 overflow-x-auto px-4 pt-3"
        data-testid="pickup-nav"
      >
        <NavLink to="/pickup" end className={sectionTabClass}>
          {t("pickup.handoverTab")}
        </NavLink>
        <NavLink to="/pickup/deliveries" className={sectionTabClass}>
          {t("pickup.deliveriesTab")}
        </NavLink>
      </nav>
      <Suspense fallback={<PageLoading />}>
        <Outlet />
      </Suspense>
    </div>
  );
}
