import { lazy, Suspense, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet } from "react-router";
import { loadStaffTexts } from "../i18n/index.ts";
import { canManage } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";
import { LogoMark } from "./icons.tsx";
import { LanguageSwitcher } from "./language-switcher.tsx";

// Only signed-in users get the bell, and only they download it.
const NotificationBell = lazy(() =>
  import("./notification-bell.tsx").then((m) => ({ default: m.NotificationBell })),
);

function navClass({ isActive }: { isActive: boolean }): string {
  return `flex min-h-11 shrink-0 items-center border-b-4 px-2 text-[15px] font-semibold whitespace-nowrap ${
    isActive ? "border-amber-400 text-white" : "border-transparent text-green-100 hover:text-white"
  }`;
}

/** Header with brand, language switcher and the main sections on every screen, then the route. */
export function AppShell() {
  const { t } = useTranslation();
  const signedIn = useSession((s) => s.status === "authenticated");
  const manager = useSession((s) => canManage(s.user));
  const agent = useSession((s) => s.user?.role === "pickup_agent");
  const staff = useSession((s) => s.user !== null && s.user?.role !== "trader");
  // Suppliers, agents and admins see staff controls on shared screens too (a group's page).
  useEffect(() => {
    if (staff) {
      void loadStaffTexts().catch(() => undefined);
    }
  }, [staff]);
  const userId = useSession((s) => s.user?.id);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-green-800 text-white">
        <div className="mx-auto flex max-w-xl items-center justify-between gap-2 px-3 py-2">
          <Link
            to="/"
            className="flex min-h-11 min-w-0 items-center gap-1.5 rounded-lg text-base font-bold tracking-tight"
            aria-label={t("app.home")}
          >
            <LogoMark className="size-8 shrink-0" />
            <span className="truncate">{t("app.name")}</span>
          </Link>
          <div className="flex items-center gap-1">
            {signedIn && userId ? (
              <Suspense fallback={null}>
                <NotificationBell key={userId} />
              </Suspense>
            ) : null}
            <LanguageSwitcher />
          </div>
        </div>
        <nav
          aria-label={t("nav.main")}
          className="mx-auto flex max-w-xl overflow-x-auto px-1"
          data-testid="main-nav"
        >
          <NavLink to="/groups" className={navClass}>
            {t("nav.groups")}
          </NavLink>
          {signedIn && manager ? (
            <NavLink to="/manage" className={navClass}>
              {t("nav.manage")}
            </NavLink>
          ) : signedIn && agent ? (
            <NavLink to="/pickup" className={navClass}>
              {t("nav.pickup")}
            </NavLink>
          ) : signedIn ? (
            <>
              <NavLink to="/my-groups" className={navClass}>
                {t("nav.myGroups")}
              </NavLink>
              <NavLink to="/my-pickups" className={navClass}>
                {t("nav.myPickups")}
              </NavLink>
              <NavLink to="/dashboard" className={navClass}>
                {t("nav.dashboard")}
              </NavLink>
            </>
          ) : (
            <NavLink to="/login" className={navClass}>
              {t("nav.login")}
            </NavLink>
          )}
        </nav>
      </header>
      <main className="mx-auto flex w-full max-w-xl flex-1 flex-col">
        <Outlet />
      </main>
    </div>
  );
}
