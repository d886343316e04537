import type { TPaymentHistoryItem } from "@cs/contracts";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { METHOD_BRANDS } from "../components/join-form.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { failureKey } from "../components/payment-return.tsx";
import { usePaymentHistory, useReceipt } from "../hooks/api/payments.ts";
import { useUserUpdates } from "../hooks/use-live.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

const STATUS_TONE: Record<string, string> = {
  succeeded: "bg-green-100 text-green-900",
  pending: "bg-amber-100 text-amber-950",
  failed: "bg-red-100 text-red-900",
  expired: "bg-stone-200 text-stone-800",
  cancelled: "bg-stone-200 text-stone-800",
};

function methodName(t: (key: string) => string, method: string | null): string {
  if (!method) {
    return t("payment.methods.unknown");
  }
  return METHOD_BRANDS[method as keyof typeof METHOD_BRANDS] ?? t(`payment.methods.${method}`);
}

function HistoryItem({ item }: { item: TPaymentHistoryItem }) {
  const { t, i18n } = useTranslation();
  const money = (cents: number) => formatMoney(cents, item.currency, i18n.language);
  return (
    <li
      className="flex flex-col gap-2 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="history-item"
      data-status={item.status}
    >
      <div className="flex items-start justify-between gap-3">
        <Link
          to={`/groups/${item.group.id}`}
          className="font-bold text-stone-900 underline-offset-4"
        >
          {item.group.title}
        </Link>
        <span className="text-lg font-extrabold text-stone-900">{money(item.amount)}</span>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm text-stone-700">
        <span className={`rounded-full px-2.5 py-0.5 font-bold ${STATUS_TONE[item.status] ?? ""}`}>
          {t(`payment.history.status.${item.status}`)}
        </span>
        <span>{methodName(t, item.method)}</span>
        <span>· {formatHarareTime(item.createdAt, i18n.language)}</span>
      </div>
      {item.status !== "succeeded" && item.failureReason ? (
        <p className="text-sm text-red-900">{t(failureKey(item.failureReason, item.status))}</p>
      ) : null}
      {item.refunds.map((refund) => (
        <p key={refund.id} className="text-sm text-stone-800" data-testid="history-refund">
          {t("payment.history.refund", {
            amount: money(refund.amount),
            status: t(`payment.history.refundStatus.${refund.status}`),
          })}
        </p>
      ))}
      {item.hasReceipt ? (
        <Link
          to={`/payments/${item.id}/receipt`}
          className="min-h-11 self-start py-2 font-semibold text-green-800 underline underline-offset-4"
          data-testid="history-receipt"
        >
          {t("payment.history.receipt")}
        </Link>
      ) : null}
    </li>
  );
}

/** `/payments`: the trader's payments and what came back from each, newest first. */
export function PaymentHistoryRoute() {
  const { t } = useTranslation();
  const history = usePaymentHistory();
  useUserUpdates();
  let content: ReactNode;
  if (history.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>{errorMessage(t, history.error)}</Alert>
        <Button variant="secondary" onClick={() => void history.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!history.data) {
    content = <PageLoading />;
  } else if (history.data.items.length === 0) {
    content = <p className="text-base text-stone-800">{t("payment.history.empty")}</p>;
  } else {
    content = (
      <ul className="flex flex-col gap-3" data-testid="history-list">
        {history.data.items.map((item) => (
          <HistoryItem key={item.id} item={item} />
        ))}
      </ul>
    );
  }
  return (
    <Page title={t("payment.history.title")} intro={t("payment.history.intro")}>
      {content}
    </Page>
  );
}

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3 border-b border-stone-200 py-2">
      <dt className="text-[15px] text-stone-700">{label}</dt>
      <dd className="text-right text-base font-semibold text-stone-900">{children}</dd>
    </div>
  );
}

/** `/payments/:id/receipt`: one paid payment's receipt, laid out to print on one page. */
export function ReceiptRoute() {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const receipt = useReceipt(id);
  if (receipt.isError) {
    return (
      <Page title={t("payment.receipt.title")}>
        <Alert>{errorMessage(t, receipt.error)}</Alert>
      </Page>
    );
  }
  if (!receipt.data) {
    return <PageLoading />;
  }
  const r = receipt.data;
  const money = (cents: number) => formatMoney(cents, r.currency, i18n.language);
  return (
    <div className="flex flex-col gap-4 px-4 pt-4 pb-10 print:p-0" data-testid="receipt">
      <Link
        to="/payments"
        className="min-h-11 self-start py-2 font-semibold text-green-800 print:hidden"
      >
        {t("payment.receipt.back")}
      </Link>
      <section className="flex flex-col gap-1 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200 print:shadow-none print:ring-0">
        <h1 className="text-2xl font-bold text-stone-900">{t("payment.receipt.title")}</h1>
        <p className="text-sm text-stone-700" data-testid="receipt-number">
          {r.receiptNumber}
        </p>
        <dl className="mt-2">
          <Line label={t("payment.receipt.paidAt")}>
            {formatHarareTime(r.paidAt, i18n.language)}
          </Line>
          <Line label={t("payment.receipt.trader")}>
            {r.trader.name} · {r.trader.phone}
          </Line>
          <Line label={t("payment.receipt.group")}>
            {r.group.title} ({r.group.code})
          </Line>
          <Line label={t("payment.receipt.supplier")}>{r.supplier}</Line>
          <Line label={t("payment.receipt.item")}>
            {r.quantity} × {r.product.name} ({r.product.unit}) @ {money(r.unitPrice)}
          </Line>
          <Line label={t("payment.receipt.method")}>
            {methodName(t, r.method)}
            {r.providerReceipt ? ` · ${r.providerReceipt}` : ""}
          </Line>
          <Line label={t("payment.receipt.amount")}>
            <span data-testid="receipt-amount">{money(r.amount)}</span>
          </Line>
          {r.refunds.map((refund) => (
            <Line key={refund.id} label={t("payment.receipt.refund")}>
              −{money(refund.amount)} ({t(`payment.history.refundStatus.${refund.status}`)})
            </Line>
          ))}
          <Line label={t("payment.receipt.net")}>{money(r.netAmount)}</Line>
        </dl>
      </section>
      <Button variant="primary" className="w-full print:hidden" onClick={() => window.print()}>
        {t("payment.receipt.print")}
      </Button>
    </div>
  );
}
