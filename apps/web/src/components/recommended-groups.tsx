import { RECOMMENDATION_COMPONENTS, type TRecommendation } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { recordRecommendationClick, useRecommendations } from "../hooks/api/recommendations.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { buttonClass } from "./button.tsx";
import { GroupProgress } from "./group-progress.tsx";
import { BasketIcon } from "./icons.tsx";
import { categoryName } from "./profile-form.tsx";

/** The reason in the language the app is shown in (the server's text if a key is unknown). */
function useReason(item: TRecommendation): string {
  const { t, i18n } = useTranslation();
  const key = `reasons.${item.explanation.key}`;
  return i18n.exists(key) ? t(key, item.explanation.params) : item.explanation.text;
}

/** "Why this?": every component's share of the score, largest first. */
function WhyThis({ item }: { item: TRecommendation }) {
  const { t } = useTranslation();
  const total = item.score > 0 ? item.score : 1;
  const parts = RECOMMENDATION_COMPONENTS.map((c) => ({ c, value: item.contributions[c] }))
    .filter((p) => p.value > 0)
    .sort((a, b) => b.value - a.value);
  return (
    <details className="group/why text-sm" data-testid="why-this">
      <summary className="inline-flex min-h-11 cursor-pointer items-center font-semibold text-green-800 underline underline-offset-4">
        {t("recommendations.whyThis")}
      </summary>
      <ul className="mt-1 flex flex-col gap-1.5">
        {parts.map(({ c, value }) => {
          const pct = Math.round((value * 100) / total);
          return (
            <li key={c} className="flex flex-col gap-0.5" data-testid={`contribution-${c}`}>
              <span className="flex justify-between gap-2 text-stone-800">
                <span>{t(`recommendations.components.${c}`)}</span>
                <span className="font-semibold tabular-nums">{pct}%</span>
              </span>
              <span className="h-1.5 rounded-full bg-stone-200" aria-hidden="true">
                <span
                  className="block h-1.5 rounded-full bg-green-700"
                  style={{ width: `${pct}%` }}
                />
              </span>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function RecommendedCard({ item }: { item: TRecommendation }) {
  const { t, i18n } = useTranslation();
  const { group } = item;
  const reason = useReason(item);
  return (
    <li
      className="flex flex-col gap-2 rounded-xl bg-stone-50 p-3 ring-1 ring-stone-200"
      data-testid="recommended-card"
    >
      <Link
        to={`/groups/${group.id}`}
        className="flex flex-col gap-2"
        onClick={() => recordRecommendationClick(group.id)}
      >
        <div className="min-w-0">
          <p className="text-sm font-semibold text-green-800">
            {categoryName(group.category, i18n.language)}
          </p>
          <h3 className="text-base leading-snug font-bold text-stone-900">{group.product.name}</h3>
          <p className="text-sm text-stone-700">
            {group.supplier.name} ·{" "}
            <strong className="text-stone-900">
              {formatMoney(group.currentUnitPrice, group.currency, i18n.language)}
            </strong>{" "}
            {t("groups.perUnit", { unit: group.product.unit })}
          </p>
        </div>
        <GroupProgress
          paidQty={group.paidQty}
          heldQty={group.heldQty}
          moq={group.moq}
          paidParticipants={group.paidParticipants}
        />
      </Link>
      <p
        className="rounded-lg bg-amber-100 px-2 py-1.5 text-sm font-semibold text-amber-950"
        data-testid="recommended-reason"
      >
        {reason}
      </p>
      <WhyThis item={item} />
    </li>
  );
}

/** "Recommended for you" on the trader's dashboard: open groups with the reason for each. */
export function RecommendedGroups() {
  const { t } = useTranslation();
  const recommendations = useRecommendations(6);
  const items = recommendations.data?.items;
  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="recommended-groups"
      aria-labelledby="recommended"
    >
      <h2 id="recommended" className="flex items-center gap-2 text-lg font-bold text-stone-900">
        <BasketIcon className="size-6 text-green-800" />
        {t("dashboard.recommended")}
      </h2>
      {recommendations.isError ? (
        <p className="text-[15px] text-red-800">{errorMessage(t, recommendations.error)}</p>
      ) : !items ? (
        <p className="text-[15px] text-stone-700">{t("app.loading")}</p>
      ) : items.length === 0 ? (
        <p className="text-[15px] text-stone-700">{t("recommendations.empty")}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {items.map((item) => (
            <RecommendedCard key={item.group.id} item={item} />
          ))}
        </ul>
      )}
      <Link to="/groups" className={buttonClass("secondary", "w-full")} data-testid="browse-groups">
        {t("dashboard.browse")}
      </Link>
    </section>
  );
}
