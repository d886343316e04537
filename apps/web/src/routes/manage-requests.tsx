import type { TCategory, TGroupRequestView, TMarket } from "@cs/contracts";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { MapPinIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { SelectField } from "../components/select-field.tsx";
import { TextAreaField } from "../components/textarea-field.tsx";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { useDeclineGroupRequest, useGroupRequests } from "../hooks/api/requests.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

type RequestCardProps = {
  request: TGroupRequestView;
  categories: TCategory[] | undefined;
  markets: TMarket[] | undefined;
  onDeclined: () => void;
};

/** One request: what, where, how many, when; "Make an offer" or decline with a reason. */
function RequestCard({ request, categories, markets, onDeclined }: RequestCardProps) {
  const { t, i18n } = useTranslation();
  const decline = useDeclineGroupRequest();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const category = categories?.find((c) => c.id === request.categoryId);
  const market = markets?.find((m) => m.id === request.marketId);
  const offer = new URLSearchParams({ request: request.id, category: request.categoryId });

  function onDecline(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reason.trim().length < 3) {
      setReasonError(t("manage.errors.reason"));
      return;
    }
    setReasonError(undefined);
    decline.mutate({ requestId: request.id, reason: reason.trim() }, { onSuccess: onDeclined });
  }

  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="request-card"
      data-request-id={request.id}
    >
      <div className="flex flex-col gap-1">
        <p className="text-sm font-semibold text-green-800">
          {category ? categoryName(category, i18n.language) : request.categoryId}
        </p>
        <p className="text-base text-stone-900" data-testid="request-description">
          {request.description}
        </p>
        <p className="text-lg font-bold text-stone-900">
          {t("manage.requests.quantity", { count: request.quantity })}
        </p>
        <p className="flex items-start gap-1.5 text-[15px] text-stone-700">
          <MapPinIcon className="mt-0.5 size-5 shrink-0" />
          {market?.name ?? request.marketId}
        </p>
        <p className="text-sm text-stone-700">
          {t("manage.requests.asked", { date: formatHarareTime(request.createdAt, i18n.language) })}
        </p>
      </div>
      {declining ? (
        <form
          className="flex flex-col gap-3 rounded-xl bg-stone-100 p-3"
          onSubmit={onDecline}
          noValidate
        >
          <TextAreaField
            label={t("manage.requests.reason")}
            name="reason"
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={reasonError}
          />
          {decline.isError ? <Alert>{errorMessage(t, decline.error)}</Alert> : null}
          <Button
            type="submit"
            variant="danger"
            className="w-full"
            busy={decline.isPending}
            data-testid="request-decline-confirm"
          >
            {t("manage.requests.declineYes")}
          </Button>
          <Button variant="secondary" className="w-full" onClick={() => setDeclining(false)}>
            {t("manage.requests.declineNo")}
          </Button>
        </form>
      ) : (
        <div className="flex flex-col gap-2">
          <Link
            to={`/manage/groups/new?${offer}`}
            className={buttonClass("primary", "w-full")}
            data-testid="request-offer"
          >
            {t("manage.requests.offer")}
          </Link>
          <Button
            variant="dangerOutline"
            className="w-full"
            data-testid="request-decline"
            onClick={() => setDeclining(true)}
          >
            {t("manage.requests.decline")}
          </Button>
        </div>
      )}
    </li>
  );
}

/** `/manage/requests`: the open requests traders made, filtered by category and market. */
export function ManageRequestsRoute() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const category = params.get("category") ?? "";
  const market = params.get("market") ?? "";
  const requests = useGroupRequests({ status: "open", category, market });
  const categories = useCategories();
  const markets = useMarkets();
  const [declined, setDeclined] = useState(false);

  function filter(key: "category" | "market", value: string) {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) {
          next.set(key, value);
        } else {
          next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  }

  let content: ReactNode;
  if (requests.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("manage.loadFailed")} {errorMessage(t, requests.error)}
        </Alert>
        <Button variant="secondary" onClick={() => void requests.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!requests.data) {
    content = <PageLoading />;
  } else if (requests.data.length === 0) {
    content = (
      <p
        className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800"
        data-testid="requests-empty"
      >
        {t("manage.requests.empty")}
      </p>
    );
  } else {
    // Newest first: the server lists them by id.
    const newest = [...requests.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    content = (
      <ul
        className={`flex flex-col gap-3 ${requests.isPlaceholderData ? "opacity-60" : ""}`}
        data-testid="request-list"
      >
        {newest.map((request) => (
          <RequestCard
            key={request.id}
            request={request}
            categories={categories.data}
            markets={markets.data}
            onDeclined={() => setDeclined(true)}
          />
        ))}
      </ul>
    );
  }

  return (
    <Page title={t("manage.requests.title")} intro={t("manage.requests.intro")}>
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label={t("groups.category")}
          name="category"
          value={category}
          onChange={(event) => filter("category", event.target.value)}
          empty={{ label: t("groups.allCategories"), selectable: true }}
          options={(categories.data ?? []).map((c) => ({
            value: c.id,
            label: categoryName(c, i18n.language),
          }))}
        />
        <SelectField
          label={t("groups.market")}
          name="market"
          value={market}
          onChange={(event) => filter("market", event.target.value)}
          empty={{ label: t("groups.allMarkets"), selectable: true }}
          options={(markets.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
        />
      </div>
      {declined ? <Alert tone="success">{t("manage.requests.declined")}</Alert> : null}
      {content}
    </Page>
  );
}
