import type { ComponentType, SVGProps } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Button } from "../components/button.tsx";
import {
  BoxIcon,
  ChevronRightIcon,
  CoinsIcon,
  InboxIcon,
  LogoutIcon,
  PlusIcon,
  UsersIcon,
} from "../components/icons.tsx";
import { useLogout } from "../hooks/api/auth.ts";
import { isManagingAdmin } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";

type Section = {
  to: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  body: string;
  testId: string;
};

/** `/manage`: the sections a supplier or admin may use, each a big link. */
export function ManageHomeRoute() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const logout = useLogout();
  const admin = isManagingAdmin(user);
  const sections: Section[] = [
    {
      to: "/manage/products",
      icon: BoxIcon,
      title: t("manage.products.title"),
      body: t("manage.homeLinks.products"),
      testId: "manage-link-products",
    },
    {
      to: "/manage/groups/new",
      icon: PlusIcon,
      title: t("manage.groupForm.title"),
      body: t("manage.homeLinks.newGroup"),
      testId: "manage-link-new-group",
    },
    {
      to: "/manage/groups",
      icon: UsersIcon,
      title: t("manage.groups.title"),
      body: t("manage.homeLinks.groups"),
      testId: "manage-link-groups",
    },
    {
      to: "/manage/requests",
      icon: InboxIcon,
      title: t("manage.requests.title"),
      body: t("manage.homeLinks.requests"),
      testId: "manage-link-requests",
    },
  ];
  if (admin) {
    sections.push({
      to: "/manage/rate",
      icon: CoinsIcon,
      title: t("manage.rate.title"),
      body: t("manage.homeLinks.rate"),
      testId: "manage-link-rate",
    });
  }
  return (
    <div className="flex flex-col gap-4 px-4 pt-6 pb-10">
      <div>
        <h1 className="text-2xl font-bold text-stone-900" data-testid="manage-greeting">
          {t("dashboard.greeting", { name: user?.name ?? "" })}
        </h1>
        <p className="mt-1 text-base text-stone-700">
          {admin ? t("manage.introAdmin") : t("manage.intro")}
        </p>
      </div>
      <ul className="flex flex-col gap-3">
        {sections.map(({ to, icon: Icon, title, body, testId }) => (
          <li key={to}>
            <Link
              to={to}
              data-testid={testId}
              className="flex items-center gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200 hover:ring-green-700"
            >
              <span className="flex size-11 shrink-0 items-center justify-center rounded-full bg-amber-100 text-green-800">
                <Icon className="size-6" />
              </span>
              <span className="flex min-w-0 flex-1 flex-col">
                <span className="text-lg font-bold text-stone-900">{title}</span>
                <span className="text-[15px] leading-snug text-stone-700">{body}</span>
              </span>
              <ChevronRightIcon className="size-5 shrink-0 text-green-800" />
            </Link>
          </li>
        ))}
      </ul>
      <Button
        variant="secondary"
        className="mt-2 w-full"
        busy={logout.isPending}
        data-testid="logout"
        onClick={() => logout.mutate()}
      >
        <LogoutIcon className="size-5" />
        {t("nav.logout")}
      </Button>
    </div>
  );
}
