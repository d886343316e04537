import type { TGroup, TGroupStatus } from "@cs/contracts";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { GroupManageActions } from "../components/group-manage-actions.tsx";
import { GroupProgress } from "../components/group-progress.tsx";
import { ChevronRightIcon, PlusIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { useManagedGroups } from "../hooks/api/groups.ts";
import { useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

/** The tabs, in the order a supplier looks at them. */
const TABS = ["open", "draft", "funded", "expired", "cancelled", "refunded"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return (TABS as readonly (string | null)[]).includes(value);
}

function ManagedGroupCard({ group, showSupplier }: { group: TGroup; showSupplier: boolean }) {
  const { t, i18n } = useTranslation();
  const open = group.status === "open";
  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="managed-group"
      data-group-id={group.id}
      data-status={group.status}
    >
      <div className="min-w-0">
        <p className="text-sm font-semibold text-green-800">
          {t("groups.code", { code: group.code })} · {t(`groups.groupStatus.${group.status}`)}
        </p>
        <h2 className="text-lg leading-snug font-bold text-stone-900">{group.title}</h2>
        <p className="text-sm text-stone-700">
          {group.product.unit}
          {showSupplier ? ` · ${group.supplier.name}` : ""}
        </p>
      </div>
      <GroupProgress
        paidQty={group.paidQty}
        heldQty={group.heldQty}
        moq={group.moq}
        paidParticipants={group.paidParticipants}
      />
      <p className="flex flex-col text-[15px] text-stone-800">
        <span>
          {t("groups.priceNow")}:{" "}
          <strong>{formatMoney(group.currentUnitPrice, group.currency, i18n.language)}</strong>{" "}
          {t("groups.perUnit", { unit: group.product.unit })}
        </span>
        <span className="text-sm text-stone-700">
          {t(open || group.status === "draft" ? "groups.closesAt" : "groups.closedAt", {
            date: formatHarareTime(group.deadline, i18n.language),
          })}
        </span>
      </p>
      <Link
        to={`/groups/${group.id}`}
        className="inline-flex min-h-11 items-center gap-1 self-start font-semibold text-green-800 underline underline-offset-4"
      >
        {t("manage.groups.view")}
        <ChevronRightIcon className="size-4" />
      </Link>
      <GroupManageActions group={group} />
    </li>
  );
}

/**
 * `/manage/groups`: the supplier's group offers by status (`?status=`), each with its progress,
 * and opening drafts or cancelling where the group's `abilities.manage` allows.
 */
export function ManageGroupsRoute() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const requested = params.get("status");
  const status: TGroupStatus = isTab(requested) ? requested : "open";
  const managed = useManagedSupplier();
  const known = managed.admin || managed.supplierId !== "";
  const groups = useManagedGroups(
    managed.supplierId,
    status,
    managed.status === "success" && known,
  );
  const items = groups.data?.pages.flatMap((page) => page.items) ?? [];

  let content: ReactNode;
  const failed = managed.status === "error" ? managed : groups.isError ? groups : null;
  if (failed) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("manage.loadFailed")} {errorMessage(t, failed.error)}
        </Alert>
        <Button
          variant="secondary"
          onClick={() => (failed === managed ? managed.refetch() : void groups.refetch())}
        >
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (managed.status === "pending" || (known && !groups.data)) {
    content = <PageLoading />;
  } else if (!known) {
    content = <Alert tone="info">{t("manage.noSupplier")}</Alert>;
  } else if (items.length === 0) {
    content = (
      <p
        className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800"
        data-testid="managed-groups-empty"
      >
        {status === "draft" ? t("manage.groups.draftsNote") : t("manage.groups.empty")}
      </p>
    );
  } else {
    content = (
      <>
        <ul
          className={`flex flex-col gap-3 ${groups.isPlaceholderData ? "opacity-60" : ""}`}
          data-testid="managed-groups"
        >
          {items.map((group) => (
            <ManagedGroupCard
              key={group.id}
              group={group}
              showSupplier={managed.admin && managed.supplierId === ""}
            />
          ))}
        </ul>
        {groups.hasNextPage ? (
          <Button
            variant="secondary"
            className="w-full"
            busy={groups.isFetchingNextPage}
            onClick={() => void groups.fetchNextPage()}
          >
            {t("groups.loadMore")}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <Page title={t("manage.groups.title")} intro={t("manage.groups.intro")}>
      <SupplierPicker managed={managed} allowAll />
      <Link
        to="/manage/groups/new"
        className={buttonClass("accent", "w-full")}
        data-testid="group-new"
      >
        <PlusIcon className="size-5" />
        {t("manage.groupForm.title")}
      </Link>
      <div
        role="tablist"
        aria-label={t("manage.groups.statusLabel")}
        className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1"
      >
        {TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={tab === status}
            data-testid={`status-tab-${tab}`}
            onClick={() => setParams(tab === "open" ? {} : { status: tab }, { replace: true })}
            className={`inline-flex min-h-11 shrink-0 items-center rounded-full border-2 px-3.5 text-[15px] font-semibold whitespace-nowrap ${
              tab === status
                ? "border-green-700 bg-green-700 text-white"
                : "border-stone-300 bg-white text-stone-900 hover:border-green-700"
            }`}
          >
            {t(`groups.groupStatus.${tab}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="flex flex-col gap-3">
        {content}
      </div>
    </Page>
  );
}
