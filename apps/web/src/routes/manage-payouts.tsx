import { CURRENCIES, type TCurrency } from "@cs/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { PayoutAccountForm } from "../components/payout-account-form.tsx";
import { PayoutDesk } from "../components/payout-desk.tsx";
import { PayoutBalanceCards, PayoutRow } from "../components/payout-list.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { usePayoutDestinations, useSupplierPayouts } from "../hooks/api/payouts.ts";
import { useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { errorMessage } from "../lib/errors.ts";
import { canSetRate } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";

/** Where the supplier is paid, per currency; the owner (or a superadmin) can change it. */
function PayoutAccounts({ supplierId, canEdit }: { supplierId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const destinations = usePayoutDestinations(supplierId);
  const [editing, setEditing] = useState<TCurrency | null>(null);
  if (destinations.isError) {
    return <Alert>{errorMessage(t, destinations.error)}</Alert>;
  }
  if (!destinations.data) {
    return <PageLoading />;
  }
  return (
    <section className="flex flex-col gap-2">
      <h2 className="text-xl font-bold">{t("manage.payouts.account.title")}</h2>
      {CURRENCIES.map((currency) => {
        const current = destinations.data.find((d) => d.currency === currency);
        if (editing === currency) {
          return (
            <PayoutAccountForm
              key={currency}
              supplierId={supplierId}
              currency={currency}
              current={current}
              onDone={() => setEditing(null)}
            />
          );
        }
        return (
          <div
            key={currency}
            className="flex items-center justify-between gap-3 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
            data-testid={`payout-account-${currency}`}
          >
            <div className="flex flex-col">
              <span className="text-sm font-semibold text-green-800">{currency}</span>
              {current ? (
                <>
                  <span className="font-bold">
                    {current.bankName} · {current.accountNumber}
                  </span>
                  <span className="text-stone-700">{current.accountName}</span>
                </>
              ) : (
                <span className="text-stone-700">{t("manage.payouts.account.none")}</span>
              )}
            </div>
            {canEdit ? (
              <Button
                variant="secondary"
                onClick={() => setEditing(currency)}
                data-testid={`payout-account-edit-${currency}`}
              >
                {t(current ? "manage.payouts.account.change" : "manage.payouts.account.add")}
              </Button>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

/** A supplier's own payouts: balances, where the money goes, and each payout's state. */
function SupplierPayouts({ supplierId, canEdit }: { supplierId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const payouts = useSupplierPayouts(supplierId);
  return (
    <>
      {payouts.isError ? (
        <Alert>{errorMessage(t, payouts.error)}</Alert>
      ) : !payouts.data ? (
        <PageLoading />
      ) : (
        <>
          {payouts.data.balances.map((balance) => (
            <PayoutBalanceCards key={balance.currency} balance={balance} />
          ))}
          {payouts.data.balances.length === 0 ? (
            <p className="text-base text-stone-700">{t("manage.payouts.nothingYet")}</p>
          ) : null}
        </>
      )}
      <PayoutAccounts supplierId={supplierId} canEdit={canEdit} />
      {payouts.data && payouts.data.items.length > 0 ? (
        <section className="flex flex-col gap-2">
          <h2 className="text-xl font-bold">{t("manage.payouts.historyTitle")}</h2>
          <ul className="flex flex-col gap-2">
            {payouts.data.items.map((payout) => (
              <li key={payout.id} className="rounded-2xl bg-white p-4 ring-1 ring-stone-200">
                <PayoutRow payout={payout} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/**
 * `/manage/payouts`: a supplier's team sees its balances, payouts and payout account (the owner
 * sets it); admins see every supplier's on the payout desk, or one supplier's when they pick it.
 */
export function ManagePayoutsRoute() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const supplier = useManagedSupplier();
  const superadmin = canSetRate(user);
  const owner = user?.role === "supplier" && user.staffRole === "owner";
  return (
    <Page title={t("manage.payouts.title")} intro={t("manage.payouts.intro")}>
      <SupplierPicker managed={supplier} allowAll />
      {supplier.admin && supplier.supplierId === "" ? (
        <PayoutDesk canPay={superadmin} />
      ) : supplier.supplierId === "" ? (
        supplier.status === "success" ? (
          <Alert tone="info">{t("manage.payables.pick")}</Alert>
        ) : (
          <PageLoading />
        )
      ) : (
        <SupplierPayouts supplierId={supplier.supplierId} canEdit={owner || superadmin} />
      )}
    </Page>
  );
}
