import type { TGroup, TMarket } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatMoney } from "../lib/money.ts";
import { Countdown } from "./countdown.tsx";
import { GroupProgress } from "./group-progress.tsx";
import { CheckIcon, MapPinIcon, TrendDownIcon } from "./icons.tsx";
import { categoryName } from "./profile-form.tsx";

/** "Copacabana rank office · Copacabana", and how many more places when there are several. */
export function usePickupSummary(group: TGroup, markets: TMarket[] | undefined): string {
  const { t } = useTranslation();
  const first = group.pickupPoints[0];
  if (!first) {
    return "";
  }
  const market = markets?.find((m) => m.id === first.marketId);
  const place =
    market && market.name !== first.name ? `${first.name} · ${market.name}` : first.name;
  const more = group.pickupPoints.length - 1;
  return more > 0 ? `${place} ${t("groups.morePlaces", { count: more })}` : place;
}

type GroupCardProps = { group: TGroup; markets: TMarket[] | undefined };

/** One group in the list: what, how far, what it costs now and next, until when, where. */
export function GroupCard({ group, markets }: GroupCardProps) {
  const { t, i18n } = useTranslation();
  const money = (cents: number) => formatMoney(cents, group.currency, i18n.language);
  const pickup = usePickupSummary(group, markets);
  const mine = group.myParticipation !== null;
  return (
    <li>
      <Link
        to={`/groups/${group.id}`}
        className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200 hover:ring-green-700"
        data-testid="group-card"
        data-group-id={group.id}
      >
        <div className="flex items-start justify-between gap-2">
          <div className="min-w-0">
            <p className="text-sm font-semibold text-green-800">
              {categoryName(group.category, i18n.language)}
            </p>
            <h2 className="text-lg leading-snug font-bold text-stone-900">{group.product.name}</h2>
            <p className="text-sm text-stone-700">
              {group.product.unit} · {group.supplier.name}
            </p>
          </div>
          {mine ? (
            <span
              className="inline-flex shrink-0 items-center gap-1 rounded-full bg-green-700 px-2.5 py-1 text-xs font-bold text-white"
              data-testid="mine-badge"
            >
              <CheckIcon className="size-3.5" />
              {t("groups.youAreIn")}
            </span>
          ) : null}
        </div>

        <GroupProgress
          paidQty={group.paidQty}
          heldQty={group.heldQty}
          moq={group.moq}
          paidParticipants={group.paidParticipants}
        />

        <div>
          <p className="flex flex-wrap items-baseline gap-x-1.5">
            <span className="text-sm text-stone-700">{t("groups.priceNow")}</span>
            <span className="text-xl font-extrabold text-stone-900">
              {money(group.currentUnitPrice)}
            </span>
            <span className="text-sm text-stone-700">
              {t("groups.perUnit", { unit: group.product.unit })}
            </span>
          </p>
          {group.nextTier ? (
            <p className="mt-1 flex items-start gap-1.5 rounded-lg bg-amber-100 px-2 py-1.5 text-sm font-semibold text-amber-950">
              <TrendDownIcon className="mt-0.5 size-4 shrink-0" />
              {t("groups.nextTier", {
                count: group.nextTier.unitsToGo,
                price: money(group.nextTier.unitPrice),
              })}
            </p>
          ) : null}
        </div>

        <div className="flex flex-col gap-1 text-[15px]">
          <Countdown deadline={group.deadline} open={group.status === "open"} />
          {pickup ? (
            <span className="flex items-start gap-1.5 text-stone-700">
              <MapPinIcon className="mt-0.5 size-5 shrink-0" />
              <span>{pickup}</span>
            </span>
          ) : null}
        </div>
      </Link>
    </li>
  );
}
