import type { TMyPickup } from "@cs/contracts";
import { lazy, type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { CheckIcon, ClockIcon, MapPinIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { useViewer } from "../hooks/api/groups.ts";
import { useMyPickups } from "../hooks/api/pickup.ts";
import { useLivePickups } from "../hooks/use-live-pickups.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

const PickupQr = lazy(async () => ({
  default: (await import("../components/pickup-qr.tsx")).PickupQr,
}));

const STATUS_TONE: Record<TMyPickup["status"], string> = {
  live: "bg-green-700 text-white",
  collected: "bg-stone-200 text-stone-900",
  expired: "bg-red-100 text-red-900",
  revoked: "bg-red-100 text-red-900",
};

function PickupCard({ pickup }: { pickup: TMyPickup }) {
  const { t, i18n } = useTranslation();
  const live = pickup.status === "live";
  return (
    <li
      className="flex flex-col gap-4 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="pickup-card"
      data-credential-id={pickup.credentialId}
      data-status={pickup.status}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="flex flex-col gap-0.5">
          <p className="text-sm font-semibold text-green-800">{pickup.group.code}</p>
          <p className="text-lg font-bold text-stone-900">
            {t("myPickups.line", { count: pickup.quantity, product: pickup.product.name })}
          </p>
        </div>
        <span
          className={`inline-flex shrink-0 items-center gap-1 rounded-full px-3 py-1 text-sm font-bold ${STATUS_TONE[pickup.status]}`}
          data-testid="pickup-status"
        >
          {pickup.status === "collected" ? <CheckIcon className="size-4" /> : null}
          {t(`myPickups.status.${pickup.status}`)}
        </span>
      </div>
      {live && pickup.token && pickup.shortCode ? (
        <div className="flex flex-col items-center gap-3">
          <Suspense fallback={<div className="aspect-square w-full max-w-72 bg-stone-100" />}>
            <PickupQr token={pickup.token} label={t("myPickups.qrLabel")} />
          </Suspense>
          <p className="text-sm font-semibold text-stone-700">{t("myPickups.orCode")}</p>
          <p
            className="font-mono text-4xl font-bold tracking-[0.15em] text-stone-900"
            data-testid="pickup-code"
          >
            {pickup.shortCode.slice(0, 4)} {pickup.shortCode.slice(4)}
          </p>
          {pickup.collectedQty > 0 ? (
            <Alert tone="info">
              {t("myPickups.partly", {
                collected: pickup.collectedQty,
                remaining: pickup.remainingQty,
              })}
            </Alert>
          ) : null}
        </div>
      ) : pickup.status === "collected" ? (
        <Alert tone="success">{t("myPickups.collectedAll", { count: pickup.collectedQty })}</Alert>
      ) : null}
      <div className="flex flex-col gap-1.5 text-[15px] text-stone-800">
        <p className="flex items-start gap-1.5">
          <MapPinIcon className="mt-0.5 size-5 shrink-0" />
          <span>
            <span className="font-semibold">{pickup.pickupPoint.name}</span>
            <br />
            {pickup.pickupPoint.address}
            <br />
            {pickup.pickupPoint.hours}
          </span>
        </p>
        {live ? (
          <p className="flex items-center gap-1.5">
            <ClockIcon className="size-5 shrink-0" />
            {t("myPickups.until", { time: formatHarareTime(pickup.expiresAt, i18n.language) })}
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** `/my-pickups`: the trader's QR codes and short codes, where to collect, updated live. */
export function MyPickupsRoute() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const pickups = useMyPickups();
  useLivePickups(viewer);

  let content: ReactNode;
  if (pickups.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>{errorMessage(t, pickups.error)}</Alert>
        <Button variant="secondary" onClick={() => void pickups.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!pickups.data) {
    content = <PageLoading />;
  } else if (pickups.data.length === 0) {
    content = (
      <div className="flex flex-col gap-3 rounded-2xl border-2 border-dashed border-stone-300 p-4">
        <p className="text-base text-stone-800" data-testid="pickups-empty">
          {t("myPickups.empty")}
        </p>
        <Link to="/my-groups" className={buttonClass("secondary", "w-full")}>
          {t("nav.myGroups")}
        </Link>
      </div>
    );
  } else {
    // Live ones first: those are what the trader came here for.
    const ordered = [...pickups.data].sort(
      (a, b) => Number(b.status === "live") - Number(a.status === "live"),
    );
    content = (
      <ul className="flex flex-col gap-4" data-testid="pickup-list">
        {ordered.map((pickup) => (
          <PickupCard key={pickup.credentialId} pickup={pickup} />
        ))}
      </ul>
    );
  }
  return (
    <Page title={t("myPickups.title")} intro={t("myPickups.intro")}>
      {content}
    </Page>
  );
}
