import type { TGroup } from "@cs/contracts";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { buttonClass } from "../components/button.tsx";
import { Countdown } from "../components/countdown.tsx";
import { GroupManageActions } from "../components/group-manage-actions.tsx";
import { GroupProgress } from "../components/group-progress.tsx";
import { GroupStatusBanner } from "../components/group-status-banner.tsx";
import { ArrowLeftIcon, MapPinIcon } from "../components/icons.tsx";
import { JoinForm } from "../components/join-form.tsx";
import { MyShare } from "../components/my-share.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { PaymentReturn } from "../components/payment-return.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { ShareCard } from "../components/share-card.tsx";
import { TierLadder } from "../components/tier-ladder.tsx";
import { useGroup, useMyParticipations } from "../hooks/api/groups.ts";
import { useMarkets } from "../hooks/api/meta.ts";
import { useLiveGroup, useUserUpdates } from "../hooks/use-live.ts";
import { ApiError } from "../lib/api.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { formatHarareTime, useServerNow } from "../lib/server-clock.ts";
import { useSession } from "../stores/session.ts";

/** The chat is its own chunk: only people in a group's room download it. */
const GroupChat = lazy(() => import("../components/chat/group-chat.tsx"));

/** The group's chat for those in its room: its traders (now or before), suppliers and admins. */
function ChatArea({ group }: { group: TGroup }) {
  const user = useSession((s) => s.user);
  const mine = useMyParticipations();
  if (!user?.phoneVerified || group.status === "draft") {
    return null;
  }
  const member =
    user.role === "admin" ||
    user.role === "supplier" ||
    (user.role === "trader" &&
      (group.myParticipation !== null || (mine.data ?? []).some((s) => s.groupId === group.id)));
  if (!member) {
    return null;
  }
  return (
    <Suspense fallback={null}>
      <GroupChat groupId={group.id} userId={user.id} />
    </Suspense>
  );
}

function Card({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid={testId}
    >
      {children}
    </section>
  );
}

/** Join, sign in, confirm the phone, or the trader's own share: whichever applies. */
function JoinArea({ group, onLeft }: { group: TGroup; onLeft: () => void }) {
  const { t } = useTranslation();
  const now = useServerNow();
  const status = useSession((s) => s.status);
  const user = useSession((s) => s.user);
  const share = group.myParticipation;
  if (share) {
    return <MyShare key={share.id} group={group} share={share} onLeft={onLeft} />;
  }
  if (group.status !== "open" || Date.parse(group.deadline) <= now) {
    return null;
  }
  if (status !== "authenticated" || !user) {
    const next = `/groups/${group.id}`;
    return (
      <Card testId="sign-in-to-join">
        <h2 className="text-lg font-bold text-stone-900">{t("groups.join.signInTitle")}</h2>
        <Link
          to={`/login?next=${encodeURIComponent(next)}`}
          className={buttonClass("accent", "w-full text-lg")}
        >
          {t("groups.join.signIn")}
        </Link>
        <Link to="/register" className={buttonClass("ghost", "w-full")}>
          {t("groups.join.register")}
        </Link>
      </Card>
    );
  }
  if (user.role !== "trader") {
    // The group's supplier or an admin has the manage actions instead.
    return group.abilities.manage ? null : (
      <Alert tone="info">{t("groups.join.tradersOnly")}</Alert>
    );
  }
  if (!user.phoneVerified) {
    return (
      <Card>
        <p className="text-base text-stone-800">{t("errors.phone_not_verified")}</p>
        <Link to="/verify" className={buttonClass("primary", "w-full")}>
          {t("groups.join.verify")}
        </Link>
      </Card>
    );
  }
  if (!group.abilities.join) {
    return null;
  }
  return (
    <Card>
      <h2 className="text-lg font-bold text-stone-900">{t("groups.join.title")}</h2>
      <JoinForm group={group} />
    </Card>
  );
}

/** A closed group no longer lists a refunded share as "mine": show it from "My groups". */
function PastShares({ groupId }: { groupId: string }) {
  const { t } = useTranslation();
  const mine = useMyParticipations();
  const shares = mine.data?.filter((s) => s.groupId === groupId) ?? [];
  if (shares.length === 0) {
    return null;
  }
  return (
    <section className="flex flex-col gap-2" data-testid="past-shares">
      <h2 className="text-lg font-bold text-stone-900">{t("groups.share.title")}</h2>
      <ul className="flex flex-col gap-3">
        {shares.map((share) => (
          <ShareCard key={share.id} share={share} withLink={false} />
        ))}
      </ul>
    </section>
  );
}

function GroupDetail({ group, live }: { group: TGroup; live: boolean }) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const paymentId = params.get("payment");
  const [left, setLeft] = useState(false);
  const markets = useMarkets();
  const signedIn = useSession((s) => s.status === "authenticated");
  const money = (cents: number, currency = group.currency) =>
    formatMoney(cents, currency, i18n.language);
  const open = group.status === "open";

  return (
    <div className="flex flex-col gap-4 px-4 pt-4 pb-10">
      <Link
        to="/groups"
        className="inline-flex min-h-11 items-center gap-1.5 self-start font-semibold text-green-800"
      >
        <ArrowLeftIcon className="size-5" />
        {t("groups.back")}
      </Link>

      {paymentId ? (
        <PaymentReturn
          key={paymentId}
          group={group}
          paymentId={paymentId}
          onDismiss={() => setParams({}, { replace: true })}
        />
      ) : null}
      <GroupStatusBanner group={group} />

      <header className="flex flex-col gap-1">
        <p className="text-sm font-semibold text-green-800">
          {categoryName(group.category, i18n.language)} · {t("groups.code", { code: group.code })}
        </p>
        <h1 className="text-2xl leading-tight font-bold text-stone-900" data-testid="group-title">
          {group.product.name}
        </h1>
        {group.title !== group.product.name ? (
          <p className="text-base font-semibold text-stone-800">{group.title}</p>
        ) : null}
        <p className="text-[15px] text-stone-700">
          {group.product.unit} · {t("groups.supplier", { name: group.supplier.name })}
        </p>
        {group.product.description ? (
          <p className="mt-1 text-[15px] text-stone-800">{group.product.description}</p>
        ) : null}
      </header>

      <Card testId="group-progress">
        <div className="flex items-center justify-between gap-2">
          <h2 className="text-lg font-bold text-stone-900">{t("groups.progressTitle")}</h2>
          {live && open ? (
            <span
              className="inline-flex items-center gap-1.5 text-sm font-bold text-green-800"
              data-testid="live"
            >
              <span className="size-2.5 animate-pulse rounded-full bg-green-600" />
              {t("groups.live")}
            </span>
          ) : null}
        </div>
        <GroupProgress
          large
          paidQty={group.paidQty}
          heldQty={open ? group.heldQty : 0}
          moq={group.moq}
          paidParticipants={group.paidParticipants}
        />
        {open && group.cap !== null ? (
          <p className="text-sm text-stone-700">
            {t("groups.capLeft", {
              count: Math.max(0, group.cap - group.paidQty - group.heldQty),
            })}
          </p>
        ) : null}
        {open && group.heldQty > 0 ? (
          <p className="text-sm text-stone-700">{t("groups.held", { count: group.heldQty })}</p>
        ) : null}
        <div className="flex flex-col gap-0.5 border-t border-stone-200 pt-3">
          {open ? <Countdown deadline={group.deadline} open className="text-base" /> : null}
          <span className={open ? "text-sm text-stone-700" : "text-base font-semibold"}>
            {t(open || group.status === "draft" ? "groups.closesAt" : "groups.closedAt", {
              date: formatHarareTime(group.deadline, i18n.language),
            })}
          </span>
        </div>
        {open ? (
          <p className="text-sm text-stone-700">{t("groups.minimumNote", { moq: group.moq })}</p>
        ) : null}
      </Card>

      <Card testId="group-price">
        <div>
          <p className="text-sm font-semibold text-stone-700">{t("groups.priceNow")}</p>
          <p className="flex flex-wrap items-baseline gap-x-2">
            <span className="text-3xl font-extrabold text-stone-900" data-testid="price-now">
              {money(group.currentUnitPrice)}
            </span>
            <span className="text-[15px] text-stone-700">
              {t("groups.perUnit", { unit: group.product.unit })}
            </span>
          </p>
          {group.altPrice ? (
            <p className="text-sm text-stone-700">
              {t("groups.altPrice", {
                price: money(group.altPrice.unitPrice, group.altPrice.currency),
              })}
            </p>
          ) : null}
        </div>
        <h2 className="text-base font-bold text-stone-900">{t("groups.tiersTitle")}</h2>
        <TierLadder
          tiers={group.tiers}
          paidQty={group.paidQty}
          currentUnitPrice={group.currentUnitPrice}
          currency={group.currency}
          nextTier={open ? group.nextTier : null}
        />
      </Card>

      {group.abilities.manage ? <GroupManageActions group={group} /> : null}
      {left ? <Alert tone="success">{t("groups.share.left")}</Alert> : null}
      <JoinArea group={group} onLeft={() => setLeft(true)} />
      {signedIn && !group.myParticipation && !open ? <PastShares groupId={group.id} /> : null}
      {signedIn ? <ChatArea group={group} /> : null}

      <Card testId="pickup-points">
        <h2 className="flex items-center gap-2 text-lg font-bold text-stone-900">
          <MapPinIcon className="size-5 text-green-800" />
          {t("groups.pickupTitle")}
        </h2>
        <ul className="flex flex-col gap-3">
          {group.pickupPoints.map((point) => {
            const market = markets.data?.find((m) => m.id === point.marketId);
            return (
              <li key={point.id} className="flex flex-col text-[15px] text-stone-800">
                <span className="font-bold text-stone-900">{point.name}</span>
                {market && market.name !== point.name ? <span>{market.name}</span> : null}
                <span>{point.address}</span>
                <span className="text-sm text-stone-700">
                  {t("groups.hours", { hours: point.hours })}
                </span>
              </li>
            );
          })}
        </ul>
      </Card>
    </div>
  );
}

/** `/groups/:id`: one group, live, with joining and the payment return (`?payment=`). */
export function GroupDetailRoute() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const group = useGroup(id);
  const live = useLiveGroup(id);
  useUserUpdates();

  if (group.isError && !group.data) {
    const missing =
      group.error instanceof ApiError && (group.error.status === 404 || group.error.status === 400);
    return (
      <div className="flex flex-col gap-4 px-4 pt-6 pb-10">
        <Alert>{missing ? t("errors.not_found") : errorMessage(t, group.error)}</Alert>
        <Link to="/groups" className={buttonClass("primary", "w-full")}>
          {t("groups.back")}
        </Link>
      </div>
    );
  }
  if (!group.data) {
    return <PageLoading />;
  }
  return <GroupDetail group={group.data} live={live} />;
}
