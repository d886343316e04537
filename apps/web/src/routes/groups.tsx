import { GROUP_SORTS } from "@cs/contracts";
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Chip } from "../components/chip.tsx";
import { GroupCard } from "../components/group-card.tsx";
import { GroupRequestBox } from "../components/group-request-form.tsx";
import { SearchIcon } from "../components/icons.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { SelectField } from "../components/select-field.tsx";
import { type GroupFilters, type GroupSort, useGroupSearch } from "../hooks/api/groups.ts";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { errorMessage } from "../lib/errors.ts";

const SEARCH_DEBOUNCE_MS = 400;

function isSort(value: string | null): value is GroupSort {
  return (GROUP_SORTS as readonly (string | null)[]).includes(value);
}

/** The filters live in the address, so "back" from a group returns to the same list. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const sort = params.get("sort");
  const filters: GroupFilters = {
    q: params.get("q") ?? "",
    category: params.get("category") ?? "",
    market: params.get("market") ?? "",
    sort: isSort(sort) ? sort : "ending_soon",
  };
  const update = useCallback(
    (changes: Partial<GroupFilters>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value && !(key === "sort" && value === "ending_soon")) {
              next.set(key, value);
            } else {
              next.delete(key);
            }
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [filters, update] as const;
}

/** `/groups`: search and filter the open group buys, a page at a time. */
export function GroupsRoute() {
  const { t, i18n } = useTranslation();
  const searchId = useId();
  const [filters, update] = useFilters();
  const [text, setText] = useState(filters.q);
  const search = useGroupSearch(filters);
  const categories = useCategories();
  const markets = useMarkets();

  // Ask the server once the trader pauses typing, not on every key (slow links, small bundles).
  const typed = text.trim();
  useEffect(() => {
    if (typed === filters.q) {
      return;
    }
    const timer = setTimeout(() => update({ q: typed }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed, filters.q, update]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update({ q: text.trim() });
  }

  const groups = search.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(filters.q || filters.category || filters.market);

  let results: ReactNode;
  if (search.isError && groups.length === 0) {
    results = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("groups.loadFailed")} {errorMessage(t, search.error)}
        </Alert>
        <Button variant="secondary" onClick={() => void search.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!search.data) {
    results = <PageLoading />;
  } else if (groups.length === 0) {
    results = (
      <div className="flex flex-col gap-3 rounded-2xl border-2 border-dashed border-stone-300 p-4">
        <p className="text-base text-stone-800" data-testid="groups-empty">
          {t("groups.empty")}
        </p>
        {filtered ? (
          <Button
            variant="secondary"
            onClick={() => {
              setText("");
              update({ q: "", category: "", market: "" });
            }}
          >
            {t("groups.clearFilters")}
          </Button>
        ) : null}
      </div>
    );
  } else {
    results = (
      <>
        <ul
          className={`flex flex-col gap-3 transition-opacity ${search.isPlaceholderData ? "opacity-60" : ""}`}
          data-testid="group-list"
          aria-busy={search.isFetching}
        >
          {groups.map((group) => (
            <GroupCard key={group.id} group={group} markets={markets.data} />
          ))}
        </ul>
        {search.hasNextPage ? (
          <Button
            variant="secondary"
            className="w-full"
            busy={search.isFetchingNextPage}
            data-testid="load-more"
            onClick={() => void search.fetchNextPage()}
          >
            {t("groups.loadMore")}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <div className="flex flex-col gap-4 px-4 pt-6 pb-10">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-bold text-stone-900">{t("groups.browseTitle")}</h1>
        <p className="text-base text-stone-700">{t("groups.browseIntro")}</p>
      </div>

      <search>
        <form onSubmit={onSubmit} className="flex flex-col gap-1.5">
          <label htmlFor={searchId} className="text-[15px] font-semibold text-stone-900">
            {t("groups.search")}
          </label>
          <div className="relative">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-stone-600" />
            <input
              id={searchId}
              type="search"
              name="q"
              enterKeyHint="search"
              autoComplete="off"
              placeholder={t("groups.searchPlaceholder")}
              className="min-h-12 w-full rounded-xl border-2 border-stone-400 bg-white py-2.5 pr-3 pl-10 text-base text-stone-900 placeholder:text-stone-500 focus:border-green-700 focus:ring-2 focus:ring-green-700/30 focus:outline-none"
              value={text}
              onChange={(event) => setText(event.target.value)}
              data-testid="group-search"
            />
          </div>
        </form>
      </search>

      {/* min-w-0: a fieldset is otherwise as wide as its widest row, and the chips scroll. */}
      <fieldset className="flex min-w-0 flex-col gap-1.5">
        <legend className="mb-1.5 text-[15px] font-semibold text-stone-900">
          {t("groups.category")}
        </legend>
        <div className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1">
          <Chip selected={!filters.category} onToggle={() => update({ category: "" })}>
            {t("groups.allCategories")}
          </Chip>
          {categories.data?.map((category) => (
            <Chip
              key={category.id}
              testId={`filter-category-${category.id}`}
              selected={filters.category === category.id}
              onToggle={() =>
                update({ category: filters.category === category.id ? "" : category.id })
              }
            >
              <span className="whitespace-nowrap">{categoryName(category, i18n.language)}</span>
            </Chip>
          ))}
        </div>
      </fieldset>

      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label={t("groups.market")}
          name="market"
          value={filters.market}
          onChange={(event) => update({ market: event.target.value })}
          empty={{ label: t("groups.allMarkets"), selectable: true }}
          options={(markets.data ?? []).map((market) => ({ value: market.id, label: market.name }))}
        />
        <SelectField
          label={t("groups.sort")}
          name="sort"
          value={filters.sort}
          onChange={(event) =>
            update({ sort: isSort(event.target.value) ? event.target.value : "ending_soon" })
          }
        >
          {GROUP_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {t(`groups.sorts.${sort}`)}
            </option>
          ))}
        </SelectField>
      </div>

      {results}

      <GroupRequestBox
        categories={categories.data}
        markets={markets.data}
        category={filters.category}
        market={filters.market}
      />
    </div>
  );
}
