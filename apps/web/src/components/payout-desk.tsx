import type { TCurrency, TPayout, TPayoutBalance } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  useAdminPayouts,
  useCreatePayout,
  useExportPayoutFile,
  usePayoutBalances,
  useResolvePayout,
} from "../hooks/api/payouts.ts";
import { errorMessage } from "../lib/errors.ts";
import { CURRENCY_LABELS, centsToPriceInput, dollarsToCents, formatMoney } from "../lib/money.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { ChoiceGroup, RadioChip } from "./chip.tsx";
import { PageLoading } from "./page-loading.tsx";
import { PayoutRow } from "./payout-list.tsx";
import { TextField } from "./text-field.tsx";

const card = "flex flex-col gap-3 rounded-2xl bg-white p-4 ring-1 ring-stone-200";

/** One supplier's balance with the form to pay it out (all of it unless the admin says less). */
function PayOutCard({
  balance,
  methods,
  canPay,
}: {
  balance: TPayoutBalance;
  methods: TPayout["method"][];
  canPay: boolean;
}) {
  const { t, i18n } = useTranslation();
  const create = useCreatePayout();
  const usable = methods.filter((m) => m === "file" || balance.currency === "USD");
  const [method, setMethod] = useState<TPayout["method"]>(usable[0] ?? "file");
  const [amount, setAmount] = useState(centsToPriceInput(balance.available));
  const cents = dollarsToCents(amount);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (cents === null || cents <= 0) {
      return;
    }
    create.mutate({
      supplierId: balance.supplierId,
      currency: balance.currency,
      method,
      amount: cents,
    });
  }
  return (
    <li className={card} data-testid="payout-balance-card">
      <p className="flex justify-between gap-2 font-bold">
        <span>{balance.supplierName}</span>
        <span>{formatMoney(balance.available, balance.currency, i18n.language)}</span>
      </p>
      <p className="text-sm text-stone-700">
        {t("manage.payouts.balanceLine", {
          inPayout: formatMoney(balance.inPayout, balance.currency, i18n.language),
          paidOut: formatMoney(balance.paidOut, balance.currency, i18n.language),
        })}
      </p>
      {!balance.hasDestination ? (
        <Alert tone="info">{t("errors.payout_destination_missing")}</Alert>
      ) : canPay && balance.available > 0 ? (
        <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
          <ChoiceGroup legend={t("manage.payouts.howToPay")}>
            {usable.map((value) => (
              <RadioChip
                key={value}
                name={`method-${balance.supplierId}-${balance.currency}`}
                value={value}
                checked={method === value}
                onChange={() => setMethod(value)}
              >
                {t(`manage.payouts.method.${value}`)}
              </RadioChip>
            ))}
          </ChoiceGroup>
          <TextField
            label={`${t("manage.payouts.amount")} (${CURRENCY_LABELS[balance.currency]})`}
            name="amount"
            inputMode="decimal"
            leading={balance.currency === "USD" ? "$" : undefined}
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            error={cents === null ? t("manage.payouts.amountInvalid") : undefined}
          />
          {create.isError ? <Alert>{errorMessage(t, create.error)}</Alert> : null}
          <Button type="submit" busy={create.isPending} disabled={!cents} data-testid="payout-pay">
            {t("manage.payouts.payOut")}
          </Button>
        </form>
      ) : null}
    </li>
  );
}

/** A sent payout a person must confirm: the bank's reference, or why it bounced. */
function ConfirmCard({ payout }: { payout: TPayout }) {
  const { t } = useTranslation();
  const resolve = useResolvePayout();
  const [reference, setReference] = useState("");
  const [reason, setReason] = useState("");
  return (
    <li className={card} data-testid="payout-confirm-card">
      <PayoutRow payout={payout} showSupplier />
      <TextField
        label={t("manage.payouts.bankReference")}
        name="reference"
        value={reference}
        maxLength={200}
        onChange={(event) => setReference(event.target.value)}
      />
      <Button
        disabled={reference.trim().length < 3}
        busy={resolve.isPending}
        data-testid="payout-confirm-paid"
        onClick={() =>
          resolve.mutate({ id: payout.id, outcome: "paid", reference: reference.trim() })
        }
      >
        {t("manage.payouts.confirmPaid")}
      </Button>
      <TextField
        label={t("manage.payouts.bounceReason")}
        name="reason"
        value={reason}
        maxLength={500}
        onChange={(event) => setReason(event.target.value)}
      />
      <Button
        variant="dangerOutline"
        disabled={reason.trim().length < 3}
        busy={resolve.isPending}
        onClick={() => resolve.mutate({ id: payout.id, outcome: "failed", reason: reason.trim() })}
      >
        {t("manage.payouts.confirmFailed")}
      </Button>
      {resolve.isError ? <Alert>{errorMessage(t, resolve.error)}</Alert> : null}
    </li>
  );
}

/** File payouts waiting to go to the bank, per currency, with the button that exports them. */
function PayoutFiles({ waiting, canPay }: { waiting: TPayout[]; canPay: boolean }) {
  const { t, i18n } = useTranslation();
  const exportFile = useExportPayoutFile();
  const currencies = [...new Set(waiting.map((p) => p.currency))] as TCurrency[];
  if (currencies.length === 0) {
    return <p className="text-base text-stone-700">{t("manage.payouts.noFile")}</p>;
  }
  return (
    <div className="flex flex-col gap-2">
      {currencies.map((currency) => {
        const lines = waiting.filter((p) => p.currency === currency);
        const total = lines.reduce((sum, p) => sum + p.amount, 0);
        return (
          <div key={currency} className={card}>
            <p className="font-semibold">
              {t("manage.payouts.fileWaiting", {
                count: lines.length,
                total: formatMoney(total, currency, i18n.language),
              })}
            </p>
            {canPay ? (
              <Button
                variant="secondary"
                busy={exportFile.isPending && exportFile.variables === currency}
                onClick={() => exportFile.mutate(currency)}
                data-testid={`payout-export-${currency}`}
              >
                {t("manage.payouts.downloadFile", { currency: CURRENCY_LABELS[currency] })}
              </Button>
            ) : null}
          </div>
        );
      })}
      {exportFile.isError ? <Alert>{errorMessage(t, exportFile.error)}</Alert> : null}
    </div>
  );
}

/** The admins' payout desk: who may be paid, payout files for the bank, what to confirm. */
export function PayoutDesk({ canPay }: { canPay: boolean }) {
  const { t } = useTranslation();
  const balances = usePayoutBalances();
  const all = useAdminPayouts("");
  if (balances.isError || all.isError) {
    return <Alert>{errorMessage(t, balances.error ?? all.error)}</Alert>;
  }
  if (!balances.data || !all.data) {
    return <PageLoading />;
  }
  const payable = balances.data.items.filter((b) => b.available > 0);
  const waiting = all.data.filter((p) => p.method === "file" && p.status === "pending");
  const toConfirm = all.data.filter((p) => p.needsConfirmation);
  return (
    <div className="flex flex-col gap-5">
      <section className="flex flex-col gap-2">
        <h2 className="text-xl font-bold">{t("manage.payouts.readyTitle")}</h2>
        {payable.length === 0 ? (
          <p className="text-base text-stone-700">{t("manage.payouts.nothingReady")}</p>
        ) : (
          <ul className="flex flex-col gap-2">
            {payable.map((balance) => (
              <PayOutCard
                key={`${balance.supplierId}-${balance.currency}`}
                balance={balance}
                methods={balances.data.methods}
                canPay={canPay}
              />
            ))}
          </ul>
        )}
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-xl font-bold">{t("manage.payouts.fileTitle")}</h2>
        <PayoutFiles waiting={waiting} canPay={canPay} />
      </section>
      {toConfirm.length > 0 ? (
        <section className="flex flex-col gap-2">
          <h2 className="text-xl font-bold">{t("manage.payouts.confirmTitle")}</h2>
          <ul className="flex flex-col gap-2">
            {toConfirm.map((payout) =>
              canPay ? (
                <ConfirmCard key={payout.id} payout={payout} />
              ) : (
                <li key={payout.id} className={card}>
                  <PayoutRow payout={payout} showSupplier />
                </li>
              ),
            )}
          </ul>
        </section>
      ) : null}
      <section className="flex flex-col gap-2">
        <h2 className="text-xl font-bold">{t("manage.payouts.historyTitle")}</h2>
        {all.data.length === 0 ? (
          <p className="text-base text-stone-700">{t("manage.payouts.noPayouts")}</p>
        ) : (
          <ul className="flex flex-col gap-2">
            {all.data.map((payout) => (
              <li key={payout.id} className={card}>
                <PayoutRow payout={payout} showSupplier />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
