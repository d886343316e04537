import type { TTraderProfile } from "@cs/contracts";
import type { ComponentType, ReactNode, SVGProps } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { LogoutIcon, PencilIcon, QrIcon, UsersIcon } from "../components/icons.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { RecommendedGroups } from "../components/recommended-groups.tsx";
import { useLogout } from "../hooks/api/auth.ts";
import { useMyParticipations } from "../hooks/api/groups.ts";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { useMyProfile } from "../hooks/api/profile.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { canManage } from "../lib/roles.ts";
import { serverNow } from "../lib/server-clock.ts";
import { useSession } from "../stores/session.ts";

function Row({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div className="flex flex-col gap-0.5 border-b border-stone-200 py-2.5 last:border-b-0">
      <dt className="text-sm font-semibold text-stone-600">{label}</dt>
      <dd className="text-base text-stone-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Preferences({ profile }: { profile: TTraderProfile }) {
  const { t, i18n } = useTranslation();
  const markets = useMarkets();
  const categories = useCategories();
  const market = markets.data?.find((m) => m.id === profile.marketId);
  const categoryNames = profile.categories.map((id) => {
    const category = categories.data?.find((c) => c.id === id);
    return category ? categoryName(category, i18n.language) : id;
  });
  const money = (cents: number) => formatMoney(cents, profile.budgetCurrency, i18n.language);
  return (
    <section
      className="rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      aria-labelledby="prefs"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id="prefs" className="text-lg font-bold text-stone-900">
          {t("dashboard.preferences")}
        </h2>
        <Link
          to="/profile"
          className="inline-flex min-h-11 items-center gap-1.5 rounded-lg px-2 font-semibold text-green-800 underline underline-offset-4"
          data-testid="edit-preferences"
        >
          <PencilIcon className="size-4" />
          {t("dashboard.edit")}
        </Link>
      </div>
      <dl className="mt-2">
        <Row label={t("dashboard.categories")} testId="pref-categories">
          <span className="flex flex-wrap gap-1.5">
            {categoryNames.map((name) => (
              <span
                key={name}
                className="rounded-full bg-amber-100 px-2.5 py-1 text-sm font-semibold text-stone-900"
              >
                {name}
              </span>
            ))}
          </span>
        </Row>
        <Row label={t("dashboard.budget")} testId="pref-budget">
          {money(profile.budgetMin)} – {money(profile.budgetMax)}
        </Row>
        <Row label={t("dashboard.market")} testId="pref-market">
          {market ? market.name : markets.isPending ? "…" : t("dashboard.unknownMarket")}
        </Row>
        <Row label={t("dashboard.groupSizes")} testId="pref-group-sizes">
          {profile.groupSizes.map((size) => t(`profile.groupSize.${size}`)).join(", ")}
        </Row>
        <Row label={t("dashboard.frequency")} testId="pref-frequency">
          {t(`profile.frequencies.${profile.purchaseFrequency}`)}
        </Row>
        <Row label={t("dashboard.businessType")} testId="pref-business">
          {t(`profile.businessTypes.${profile.businessType}`)}
        </Row>
        <Row label={t("dashboard.experience")} testId="pref-experience">
          {profile.experienceYears}
        </Row>
      </dl>
    </section>
  );
}

type PlaceholderProps = {
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  body: string;
  testId: string;
  children?: ReactNode;
};

/** An empty section that later work fills; says plainly that it is coming. */
function Placeholder({ icon: Icon, title, body, testId, children }: PlaceholderProps) {
  const { t } = useTranslation();
  return (
    <section
      className="rounded-2xl border-2 border-dashed border-stone-300 bg-white/60 p-4"
      data-testid={testId}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="flex items-center gap-2 text-lg font-bold text-stone-900">
          <Icon className="size-6 text-green-800" />
          {title}
        </h2>
        <span className="shrink-0 rounded-full bg-amber-200 px-2.5 py-1 text-xs font-bold text-stone-900">
          {t("dashboard.comingSoon")}
        </span>
      </div>
      <p className="mt-2 text-[15px] text-stone-700">{body}</p>
      {children}
    </section>
  );
}

/** How many groups the trader is in and how many wait for payment, with the way to the list. */
function MyGroupsSummary() {
  const { t } = useTranslation();
  const mine = useMyParticipations();
  const active = mine.data?.filter((s) =>
    ["reserved", "paid", "ready_for_pickup"].includes(s.status),
  );
  const waiting = active?.filter(
    (s) => s.status === "reserved" && Date.parse(s.holdExpiresAt) > serverNow(),
  ).length;
  let body: ReactNode;
  if (mine.isError) {
    body = <p className="text-[15px] text-red-800">{errorMessage(t, mine.error)}</p>;
  } else if (!active) {
    body = <p className="text-[15px] text-stone-700">{t("app.loading")}</p>;
  } else {
    body = (
      <p className="text-[15px] text-stone-800" data-testid="my-groups-count">
        {active.length > 0
          ? t("dashboard.myGroupsCount", { count: active.length })
          : t("myGroups.empty")}{" "}
        {waiting ? (
          <strong className="text-amber-900">
            {t("dashboard.myGroupsWaiting", { count: waiting })}
          </strong>
        ) : null}
      </p>
    );
  }
  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="my-groups"
    >
      <h2 className="flex items-center gap-2 text-lg font-bold text-stone-900">
        <UsersIcon className="size-6 text-green-800" />
        {t("dashboard.myGroups")}
      </h2>
      {body}
      <Link to="/my-groups" className={buttonClass("secondary", "w-full")}>
        {t("dashboard.seeMyGroups")}
      </Link>
    </section>
  );
}

/** `/dashboard`: greeting, the trader's preferences, and room for groups and pickups. */
export function DashboardRoute() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const profile = useMyProfile();
  const logout = useLogout();

  // Suppliers and admins have no trader page: theirs is the Manage area.
  if (canManage(user)) {
    return <Navigate to="/manage" replace />;
  }
  if (profile.data === null) {
    return <Navigate to="/onboarding" replace />;
  }

  return (
    <div className="flex flex-col gap-4 px-4 pt-6 pb-10">
      <div>
        <h1 className="text-2xl font-bold text-stone-900" data-testid="greeting">
          {t("dashboard.greeting", { name: user?.name ?? "" })}
        </h1>
        <p className="mt-1 text-base text-stone-700">{t("dashboard.intro")}</p>
      </div>

      {profile.isError ? (
        <Alert>{errorMessage(t, profile.error)}</Alert>
      ) : profile.data ? (
        <Preferences profile={profile.data} />
      ) : (
        <PageLoading />
      )}

      <MyGroupsSummary />
      <RecommendedGroups />
      <Placeholder
        icon={QrIcon}
        title={t("dashboard.pickups")}
        body={t("dashboard.pickupsEmpty")}
        testId="pickups"
      />

      <Button
        variant="secondary"
        className="mt-2 w-full"
        busy={logout.isPending}
        data-testid="logout"
        // Signing out sends guarded pages home (see RequireAuth), whatever the server answers.
        onClick={() => logout.mutate()}
      >
        <LogoutIcon className="size-5" />
        {t("nav.logout")}
      </Button>
    </div>
  );
}
