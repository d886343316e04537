import { Suspense, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Outlet, useLocation } from "react-router";
import { NOTIFICATIONS_NS } from "../i18n/notifications.ts";
import { canManage, canTrainRecommender, isManagingAdmin } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";
import { PageLoading } from "./page-loading.tsx";
import { sectionTabClass } from "./section-tabs.ts";

/**
 * The Manage area (`/manage/*`) for supplier owners and managers and for admins: a row of its
 * sections, then the section. Anyone else is sent to their own start page.
 */
export function ManageLayout() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const { pathname } = useLocation();
  const nav = useRef<HTMLElement>(null);
  // The row scrolls sideways on a phone: keep the current section in sight.
  useEffect(() => {
    const links = [...(nav.current?.querySelectorAll("a") ?? [])];
    links
      .find(
        (link) =>
          link.getAttribute("aria-current") === "page" && pathname.startsWith(link.pathname),
      )
      ?.scrollIntoView({ block: "nearest", inline: "center" });
  }, [pathname]);
  if (!canManage(user)) {
    return <Navigate to={user?.role === "trader" ? "/dashboard" : "/groups"} replace />;
  }
  return (
    <div className="flex flex-1 flex-col">
      <nav
        ref={nav}
        aria-label={t("manage.sections")}
        className="flex gap-2 overflow-x-auto border-b border-stone-200 bg-amber-50 px-4 py-2"
        data-testid="manage-nav"
      >
        <NavLink to="/manage" end className={sectionTabClass}>
          {t("manage.home")}
        </NavLink>
        <NavLink to="/manage/products" className={sectionTabClass}>
          {t("manage.products.title")}
        </NavLink>
        <NavLink to="/manage/groups" className={sectionTabClass}>
          {t("manage.groups.title")}
        </NavLink>
        <NavLink to="/manage/requests" className={sectionTabClass}>
          {t("manage.requests.title")}
        </NavLink>
        <NavLink to="/manage/orders" className={sectionTabClass}>
          {t("manage.orders.title")}
        </NavLink>
        <NavLink to="/manage/payables" className={sectionTabClass}>
          {t("manage.payables.title")}
        </NavLink>
        <NavLink to="/manage/payouts" className={sectionTabClass}>
          {t("manage.payouts.title")}
        </NavLink>
        {isManagingAdmin(user) ? (
          <NavLink to="/manage/disputes" className={sectionTabClass}>
            {t("manage.disputes.title")}
          </NavLink>
        ) : null}
        {isManagingAdmin(user) ? (
          <NavLink to="/manage/rate" className={sectionTabClass}>
            {t("manage.rate.title")}
          </NavLink>
        ) : null}
        {isManagingAdmin(user) ? (
          <NavLink to="/manage/notifications" className={sectionTabClass}>
            {t("deadLetters.title", { ns: NOTIFICATIONS_NS })}
          </NavLink>
        ) : null}
        {canTrainRecommender(user) ? (
          <NavLink to="/manage/recommendations" className={sectionTabClass}>
            {t("recommendations.admin.title")}
          </NavLink>
        ) : null}
      </nav>
      <Suspense fallback={<PageLoading />}>
        <Outlet />
      </Suspense>
    </div>
  );
}
