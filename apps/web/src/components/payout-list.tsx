import type { TPayout, TPayoutBalance } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { formatMoney } from "../lib/money.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

const STATUS_TONE: Record<TPayout["status"], string> = {
  pending: "bg-amber-100 text-amber-900",
  sent: "bg-sky-100 text-sky-900",
  paid: "bg-green-100 text-green-900",
  failed: "bg-red-100 text-red-900",
};

/** A supplier's money in one currency: available now, on its way, and paid out. */
export function PayoutBalanceCards({ balance }: { balance: TPayoutBalance }) {
  const { t, i18n } = useTranslation();
  const money = (cents: number) => formatMoney(cents, balance.currency, i18n.language);
  return (
    <div className="grid grid-cols-3 gap-2" data-testid={`payout-balance-${balance.currency}`}>
      <div className="rounded-2xl bg-green-700 p-3 text-white">
        <p className="text-sm">{t("manage.payouts.available")}</p>
        <p className="text-lg font-bold">{money(balance.available)}</p>
      </div>
      <div className="rounded-2xl bg-white p-3 ring-1 ring-stone-200">
        <p className="text-sm text-stone-700">{t("manage.payouts.inPayout")}</p>
        <p className="text-lg font-bold">{money(balance.inPayout)}</p>
      </div>
      <div className="rounded-2xl bg-white p-3 ring-1 ring-stone-200">
        <p className="text-sm text-stone-700">{t("manage.payouts.paidOut")}</p>
        <p className="text-lg font-bold">{money(balance.paidOut)}</p>
      </div>
    </div>
  );
}

/** One payout: amount, where it went, its state, and why it failed or what to check. */
export function PayoutRow({ payout, showSupplier }: { payout: TPayout; showSupplier?: boolean }) {
  const { t, i18n } = useTranslation();
  const account = payout.destination;
  return (
    <div className="flex flex-col gap-1 text-[15px]" data-testid="payout-row">
      <span className="flex items-center justify-between gap-2">
        <span className="text-lg font-bold">
          {formatMoney(payout.amount, payout.currency, i18n.language)}
        </span>
        <span className={`rounded-full px-3 py-1 text-sm font-bold ${STATUS_TONE[payout.status]}`}>
          {t(`manage.payouts.status.${payout.status}`)}
        </span>
      </span>
      {showSupplier ? <span className="font-semibold">{payout.supplierName}</span> : null}
      <span className="text-stone-700">
        {t(`manage.payouts.method.${payout.method}`)} · {account.bankName} {account.accountNumber}
      </span>
      <span className="text-sm text-stone-600">
        {formatHarareTime(payout.paidAt ?? payout.sentAt ?? payout.createdAt, i18n.language)}
        {payout.providerRef ? ` · ${t("manage.payouts.reference")} ${payout.providerRef}` : ""}
      </span>
      {payout.lastError && payout.status !== "paid" ? (
        <span className="text-sm font-semibold text-red-800">{payout.lastError}</span>
      ) : null}
    </div>
  );
}
