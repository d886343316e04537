import { ORDER_STATUSES, type TOrderStatus, type TSupplierOrder } from "@cs/contracts";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Chip } from "../components/chip.tsx";
import { formatDuration } from "../components/countdown.tsx";
import { ChevronRightIcon, ClockIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { useOrders } from "../hooks/api/orders.ts";
import { useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { useServerNow } from "../lib/server-clock.ts";

/** Colour of each order status, so a list reads at a glance. */
export const ORDER_TONES: Record<TOrderStatus, string> = {
  pending: "bg-amber-300 text-stone-900",
  accepted: "bg-green-100 text-green-900",
  dispatched: "bg-sky-100 text-sky-900",
  delivered: "bg-sky-200 text-sky-950",
  received: "bg-green-700 text-white",
  rejected: "bg-red-100 text-red-900",
  lapsed: "bg-stone-200 text-stone-900",
};

/**
 * The order's chip: its own status, except that a checked-in order whose group has completed
 * (every unit collected, the supplier's money released) says so.
 */
export function OrderStatusChip({ order, large }: { order: TSupplierOrder; large?: boolean }) {
  const { t } = useTranslation();
  const completed = order.status === "received" && order.group.status === "completed";
  return (
    <span
      className={`rounded-full font-bold ${large ? "px-3 py-1" : "px-2.5 py-0.5"} text-sm ${
        completed ? "bg-green-900 text-white" : ORDER_TONES[order.status]
      }`}
      data-testid="order-status"
      data-status={completed ? "completed" : order.status}
    >
      {completed ? t("manage.orders.completed") : t(`manage.orders.status.${order.status}`)}
    </span>
  );
}

/** "Answer within 1 d 4 h" on the server's clock, red in the last hours. */
export function RespondBy({ order }: { order: TSupplierOrder }) {
  const { t } = useTranslation();
  const now = useServerNow();
  if (order.status !== "pending") {
    return null;
  }
  const left = Date.parse(order.respondBy) - now;
  return (
    <p
      className={`flex items-center gap-1.5 text-[15px] font-semibold ${
        left < 6 * 3_600_000 ? "text-red-800" : "text-stone-800"
      }`}
      data-testid="respond-by"
    >
      <ClockIcon className="size-5 shrink-0" />
      {left > 0
        ? t("manage.orders.respondWithin", { time: formatDuration(t, left) })
        : t("manage.orders.respondLate")}
    </p>
  );
}

function OrderRow({ order }: { order: TSupplierOrder }) {
  const { t, i18n } = useTranslation();
  return (
    <li>
      <Link
        to={`/manage/orders/${order.id}`}
        className="flex items-center gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
        data-testid="order-row"
      >
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <div className="flex items-center justify-between gap-2">
            <span className="text-sm font-semibold text-green-800">{order.group.code}</span>
            <OrderStatusChip order={order} />
          </div>
          <p className="truncate text-lg font-bold text-stone-900">{order.group.title}</p>
          <p className="text-[15px] text-stone-700">
            {t("manage.orders.summary", {
              count: order.quantity,
              unit: order.product.unit,
              amount: formatMoney(order.gross, order.currency, i18n.language),
            })}
          </p>
          <RespondBy order={order} />
        </div>
        <ChevronRightIcon className="size-6 shrink-0 text-stone-500" />
      </Link>
    </li>
  );
}

/** `/manage/orders`: the supplier's orders by status, those waiting for an answer first. */
export function ManageOrdersRoute() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const raw = params.get("status") ?? "";
  const status = (ORDER_STATUSES as readonly string[]).includes(raw) ? (raw as TOrderStatus) : "";
  const supplier = useManagedSupplier();
  const orders = useOrders(supplier.supplierId, status);

  let content: ReactNode;
  if (orders.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>{errorMessage(t, orders.error)}</Alert>
        <Button variant="secondary" onClick={() => void orders.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!orders.data) {
    content = <PageLoading />;
  } else if (orders.data.length === 0) {
    content = (
      <p className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800">
        {t("manage.orders.empty")}
      </p>
    );
  } else {
    const sorted = [...orders.data].sort(
      (a, b) =>
        Number(b.status === "pending") - Number(a.status === "pending") ||
        b.createdAt.localeCompare(a.createdAt),
    );
    content = (
      <ul className={`flex flex-col gap-3 ${orders.isPlaceholderData ? "opacity-60" : ""}`}>
        {sorted.map((order) => (
          <OrderRow key={order.id} order={order} />
        ))}
      </ul>
    );
  }
  return (
    <Page title={t("manage.orders.title")} intro={t("manage.orders.intro")}>
      <SupplierPicker managed={supplier} allowAll />
      <div
        className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1 [&>button]:shrink-0 [&>button]:whitespace-nowrap"
        data-testid="order-filters"
      >
        {(["", ...ORDER_STATUSES] as const).map((value) => (
          <Chip
            key={value || "all"}
            selected={status === value}
            onToggle={() => setParams(value ? { status: value } : {}, { replace: true })}
          >
            {value ? t(`manage.orders.status.${value}`) : t("manage.orders.all")}
          </Chip>
        ))}
      </div>
      {content}
    </Page>
  );
}
