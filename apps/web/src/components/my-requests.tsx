import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { type RequestStatus, useGroupRequests } from "../hooks/api/requests.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { ChevronRightIcon } from "./icons.tsx";
import { categoryName } from "./profile-form.tsx";

const STATUS_TONES: Record<RequestStatus, string> = {
  open: "bg-amber-200 text-stone-900",
  converted: "bg-green-700 text-white",
  declined: "bg-stone-200 text-stone-900",
};

/** "My requests" on /my-groups: each group the trader asked for, with what became of it. */
export function MyRequests() {
  const { t, i18n } = useTranslation();
  const requests = useGroupRequests({});
  const categories = useCategories();
  const markets = useMarkets();
  if (!requests.data || requests.data.length === 0) {
    return null;
  }
  const newest = [...requests.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="flex flex-col gap-3" aria-labelledby="my-requests">
      <h2 id="my-requests" className="text-lg font-bold text-stone-900">
        {t("requests.myTitle")}
      </h2>
      <ul className="flex flex-col gap-3" data-testid="my-requests">
        {newest.map((request) => {
          const category = categories.data?.find((c) => c.id === request.categoryId);
          const market = markets.data?.find((m) => m.id === request.marketId);
          return (
            <li
              key={request.id}
              className="flex flex-col gap-2 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
              data-testid="my-request"
              data-status={request.status}
            >
              <div className="flex flex-wrap items-center justify-between gap-x-2 gap-y-1">
                <p className="text-sm font-semibold text-green-800">
                  {category ? categoryName(category, i18n.language) : request.categoryId}
                </p>
                <span
                  className={`rounded-full px-2.5 py-1 text-xs font-bold ${STATUS_TONES[request.status]}`}
                  data-testid="my-request-status"
                >
                  {t(`requests.status.${request.status}`)}
                </span>
              </div>
              <p className="text-base text-stone-900">{request.description}</p>
              <p className="text-sm text-stone-700">
                {t("myGroups.units", { count: request.quantity })} ·{" "}
                {market?.name ?? request.marketId} ·{" "}
                {formatHarareTime(request.createdAt, i18n.language)}
              </p>
              {request.status === "converted" && request.groupId ? (
                <Link
                  to={`/groups/${request.groupId}`}
                  className="inline-flex min-h-11 items-center gap-1 self-start font-semibold text-green-800 underline underline-offset-4"
                >
                  {t("requests.seeGroup")}
                  <ChevronRightIcon className="size-4" />
                </Link>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
