import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { usePayables } from "../hooks/api/orders.ts";
import { useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";

/** `/manage/payables`: what the supplier is owed per group, held until the group completes. */
export function ManagePayablesRoute() {
  const { t, i18n } = useTranslation();
  const supplier = useManagedSupplier();
  const payables = usePayables(supplier.supplierId);
  const money = (cents: number, currency: string) => formatMoney(cents, currency, i18n.language);
  return (
    <Page title={t("manage.payables.title")} intro={t("manage.payables.intro")}>
      <SupplierPicker managed={supplier} />
      {supplier.supplierId === "" && supplier.status === "success" ? (
        <Alert tone="info">{t("manage.payables.pick")}</Alert>
      ) : payables.isError ? (
        <Alert>{errorMessage(t, payables.error)}</Alert>
      ) : !payables.data ? (
        <PageLoading />
      ) : (
        <>
          <div className="grid gap-2" data-testid="payable-totals">
            {payables.data.totals.map((total) => (
              <div key={total.currency} className="grid grid-cols-2 gap-2">
                <div className="rounded-2xl bg-green-700 p-3 text-white">
                  <p className="text-sm">{t("manage.payables.releasable")}</p>
                  <p className="text-xl font-bold">{money(total.releasable, total.currency)}</p>
                </div>
                <div className="rounded-2xl bg-white p-3 ring-1 ring-stone-200">
                  <p className="text-sm text-stone-700">{t("manage.payables.held")}</p>
                  <p className="text-xl font-bold">{money(total.held, total.currency)}</p>
                </div>
              </div>
            ))}
          </div>
          {payables.data.items.length === 0 ? (
            <p className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800">
              {t("manage.payables.empty")}
            </p>
          ) : (
            <ul className="flex flex-col gap-2">
              {payables.data.items.map((item) => (
                <li key={item.orderId}>
                  <Link
                    to={`/manage/orders/${item.orderId}`}
                    className="flex flex-col gap-1 rounded-2xl bg-white p-3 text-[15px] ring-1 ring-stone-200"
                  >
                    <span className="flex justify-between gap-2">
                      <span className="font-semibold text-green-800">{item.groupCode}</span>
                      <span className="font-bold">{t(`manage.payables.state.${item.state}`)}</span>
                    </span>
                    <span className="truncate font-bold text-stone-900">{item.title}</span>
                    <span className="text-stone-700">
                      {t("manage.payables.line", {
                        gross: money(item.gross, item.currency),
                        commission: money(item.commission, item.currency),
                        net: money(item.net, item.currency),
                      })}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}
