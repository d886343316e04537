import type { ZParticipationDetail } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { z } from "zod";
import { formatMoney } from "../lib/money.ts";
import { useServerNow } from "../lib/server-clock.ts";
import { formatDuration } from "./countdown.tsx";
import { ChevronRightIcon } from "./icons.tsx";

export type ShareDetail = z.infer<typeof ZParticipationDetail>;

const REFUND_REASONS = [
  "group_expired",
  "group_cancelled",
  "trader_left",
  "quantity_reduced",
  "tier_adjustment",
];

const STATUS_TONES: Record<string, string> = {
  reserved: "bg-amber-200 text-stone-900",
  paid: "bg-green-700 text-white",
  ready_for_pickup: "bg-green-700 text-white",
  collected: "bg-stone-200 text-stone-900",
  refunded: "bg-sky-100 text-sky-950",
  lapsed: "bg-stone-200 text-stone-900",
  cancelled: "bg-stone-200 text-stone-900",
};

type ShareCardProps = {
  share: ShareDetail;
  /** On "My groups" each card leads to its group; on the group page it does not. */
  withLink?: boolean;
};

/** One share in plain words: status (with the time left to pay), amounts, and money coming back. */
export function ShareCard({ share, withLink = true }: ShareCardProps) {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  const money = (cents: number) => formatMoney(cents, share.currency, i18n.language);
  const holdLeft = Date.parse(share.holdExpiresAt) - now;
  const group = share.group;
  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="share-card"
      data-status={share.status}
    >
      {group && withLink ? (
        <div>
          <h2 className="text-lg leading-snug font-bold text-stone-900">{group.title}</h2>
          <p className="text-sm text-stone-700">
            {t("groups.code", { code: group.code })} · {t(`groups.groupStatus.${group.status}`)}
          </p>
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <span
          className={`rounded-full px-2.5 py-1 text-sm font-bold ${STATUS_TONES[share.status] ?? ""}`}
          data-testid="share-card-status"
        >
          {t(`groups.shareStatus.${share.status}`)}
        </span>
        <span className="text-[15px] text-stone-800">
          {t("myGroups.units", { count: share.quantity })}
        </span>
      </div>
      {share.status === "reserved" && holdLeft > 0 ? (
        <p className="-mt-1 text-sm font-semibold text-amber-900" data-testid="hold-left">
          {t("groups.share.holdLeft", { time: formatDuration(t, holdLeft) })}
        </p>
      ) : null}
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-[15px] text-stone-800">
        <span>{t("myGroups.paid", { amount: money(share.amountPaid) })}</span>
        {share.amountRefunded > 0 ? (
          <span>{t("myGroups.refunded", { amount: money(share.amountRefunded) })}</span>
        ) : null}
      </p>
      {share.refunds.length > 0 ? (
        <div className="rounded-xl bg-stone-100 p-3">
          <h3 className="text-[15px] font-bold text-stone-900">{t("myGroups.refundsTitle")}</h3>
          <ul className="mt-1 flex flex-col gap-1.5" data-testid="refunds">
            {share.refunds.map((refund) => (
              <li key={refund.id} className="flex flex-col text-[15px]" data-status={refund.status}>
                <span className="flex justify-between gap-2">
                  <span className="font-semibold text-stone-900">
                    {formatMoney(refund.amount, refund.currency, i18n.language)}
                  </span>
                  <span className="font-semibold text-green-800">
                    {t(`myGroups.refundStatus.${refund.status}`)}
                  </span>
                </span>
                <span className="text-sm text-stone-700">
                  {t(
                    `myGroups.refundReason.${REFUND_REASONS.includes(refund.reason) ? refund.reason : "other"}`,
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {group && withLink ? (
        <Link
          to={`/groups/${group.id}`}
          className="inline-flex min-h-11 items-center gap-1 self-start font-semibold text-green-800 underline underline-offset-4"
        >
          {t("myGroups.open")}
          <ChevronRightIcon className="size-4" />
        </Link>
      ) : null}
    </li>
  );
}
