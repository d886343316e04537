import type { TSupplierOrder } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { AuthImage } from "../components/auth-image.tsx";
import { Button } from "../components/button.tsx";
import { ArrowLeftIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { TextField } from "../components/text-field.tsx";
import { TextAreaField } from "../components/textarea-field.tsx";
import { downloadInvoice, useOrder, useOrderAction } from "../hooks/api/orders.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { formatHarareTime, harareDateInput, serverNow } from "../lib/server-clock.ts";
import { OrderStatusChip, RespondBy } from "./manage-orders.tsx";

type Form = "accept" | "reject" | "dispatch" | null;

/** The next steps the server allows, each with what it needs (a date, a reason, a note). */
function OrderActions({ order }: { order: TSupplierOrder }) {
  const { t } = useTranslation();
  const action = useOrderAction(order.id);
  const [form, setForm] = useState<Form>(null);
  const [date, setDate] = useState(() => harareDateInput(serverNow(), 3));
  const [text, setText] = useState("");
  const [invoiceError, setInvoiceError] = useState<unknown>(null);
  const { abilities } = order;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (form === "accept") {
      action.mutate({ kind: "accept", deliveryDate: date }, { onSuccess: () => setForm(null) });
    } else if (form === "reject") {
      action.mutate({ kind: "reject", reason: text.trim() }, { onSuccess: () => setForm(null) });
    } else if (form === "dispatch") {
      const note = text.trim();
      action.mutate(
        { kind: "dispatch", ...(note ? { trackingNote: note } : {}) },
        { onSuccess: () => setForm(null) },
      );
    }
  }

  if (form) {
    return (
      <form
        className="flex flex-col gap-3 rounded-2xl bg-stone-100 p-4"
        onSubmit={onSubmit}
        noValidate
      >
        {form === "accept" ? (
          <TextField
            label={t("manage.orders.deliveryDate")}
            type="date"
            name="deliveryDate"
            min={harareDateInput(serverNow())}
            value={date}
            onChange={(event) => setDate(event.target.value)}
          />
        ) : (
          <TextAreaField
            label={form === "reject" ? t("manage.orders.reason") : t("manage.orders.trackingNote")}
            name="text"
            rows={2}
            maxLength={500}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        )}
        {action.isError ? <Alert>{errorMessage(t, action.error)}</Alert> : null}
        <Button
          type="submit"
          variant={form === "reject" ? "danger" : "primary"}
          className="w-full"
          busy={action.isPending}
          disabled={form === "reject" && text.trim().length < 3}
          data-testid="order-action-confirm"
        >
          {t(`manage.orders.confirm.${form}`)}
        </Button>
        <Button variant="secondary" className="w-full" onClick={() => setForm(null)}>
          {t("manage.orders.cancel")}
        </Button>
      </form>
    );
  }
  return (
    <div className="flex flex-col gap-2">
      {abilities.accept ? (
        <Button className="w-full" onClick={() => setForm("accept")} data-testid="order-accept">
          {t("manage.orders.accept")}
        </Button>
      ) : null}
      {abilities.dispatch ? (
        <Button className="w-full" onClick={() => setForm("dispatch")} data-testid="order-dispatch">
          {t("manage.orders.dispatch")}
        </Button>
      ) : null}
      {abilities.deliver ? (
        <Button
          className="w-full"
          busy={action.isPending}
          onClick={() => action.mutate({ kind: "deliver" })}
          data-testid="order-deliver"
        >
          {t("manage.orders.deliver")}
        </Button>
      ) : null}
      {abilities.reject ? (
        <Button variant="dangerOutline" className="w-full" onClick={() => setForm("reject")}>
          {t("manage.orders.reject")}
        </Button>
      ) : null}
      {abilities.invoice && order.invoice ? (
        <Button
          variant="secondary"
          className="w-full"
          onClick={() =>
            void downloadInvoice(order.id, `invoice-${order.invoice?.number}.pdf`).catch(
              setInvoiceError,
            )
          }
          data-testid="order-invoice"
        >
          {t("manage.orders.invoice", { number: order.invoice.number })}
        </Button>
      ) : null}
      {action.isError ? <Alert>{errorMessage(t, action.error)}</Alert> : null}
      {invoiceError ? <Alert>{errorMessage(t, invoiceError)}</Alert> : null}
    </div>
  );
}

/** `/manage/orders/:id`: one order, its drops per pickup point, money, and the next step. */
export function ManageOrderRoute() {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const order = useOrder(id);
  if (order.isError) {
    return (
      <Page title={t("manage.orders.title")}>
        <Alert>{errorMessage(t, order.error)}</Alert>
      </Page>
    );
  }
  if (!order.data) {
    return <PageLoading />;
  }
  const o = order.data;
  const money = (cents: number) => formatMoney(cents, o.currency, i18n.language);
  const when = (iso: string | null) => (iso ? formatHarareTime(iso, i18n.language) : "—");
  return (
    <Page title={o.group.title}>
      <Link
        to="/manage/orders"
        className="-mt-3 flex min-h-11 items-center gap-1.5 font-semibold text-green-800"
      >
        <ArrowLeftIcon className="size-5" />
        {t("manage.orders.back")}
      </Link>
      <div className="flex items-center gap-2">
        <OrderStatusChip order={o} large />
        <span className="text-sm font-semibold text-green-800">{o.group.code}</span>
      </div>
      <RespondBy order={o} />
      <dl className="grid grid-cols-2 gap-x-3 gap-y-2 rounded-2xl bg-white p-4 text-[15px] ring-1 ring-stone-200">
        <dt className="text-stone-700">{t("manage.orders.quantity")}</dt>
        <dd className="font-semibold">
          {o.quantity} {o.product.unit}
        </dd>
        <dt className="text-stone-700">{t("manage.orders.unitPrice")}</dt>
        <dd className="font-semibold">{money(o.unitPrice)}</dd>
        <dt className="text-stone-700">{t("manage.orders.gross")}</dt>
        <dd className="font-semibold">{money(o.gross)}</dd>
        <dt className="text-stone-700">{t("manage.orders.commission")}</dt>
        <dd className="font-semibold">−{money(o.commission)}</dd>
        <dt className="text-stone-700">{t("manage.orders.net")}</dt>
        <dd className="font-bold text-green-800">{money(o.netToSupplier)}</dd>
        <dt className="text-stone-700">{t("manage.orders.deliveryDate")}</dt>
        <dd className="font-semibold">{o.deliveryDate ?? "—"}</dd>
        <dt className="text-stone-700">{t("manage.orders.collected")}</dt>
        <dd className="font-semibold">
          {o.collectedQty} / {o.collectableQty}
        </dd>
        <dt className="text-stone-700">{t("manage.orders.pickupCloses")}</dt>
        <dd className="font-semibold">{when(o.pickupClosesAt)}</dd>
      </dl>
      {o.rejectionReason ? <Alert>{o.rejectionReason}</Alert> : null}
      {o.trackingNote ? <Alert tone="info">{o.trackingNote}</Alert> : null}
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-bold text-stone-900">{t("manage.orders.drops")}</h2>
        <ul className="flex flex-col gap-2">
          {o.drops.map((drop) => (
            <li
              key={drop.pickupPoint.id}
              className="rounded-xl bg-white p-3 text-[15px] ring-1 ring-stone-200"
            >
              <p className="font-semibold">{drop.pickupPoint.name}</p>
              <p className="text-stone-700">{drop.pickupPoint.address}</p>
              <p>
                {t("manage.orders.dropLine", {
                  count: drop.quantity,
                  traders: drop.participantCount,
                })}
              </p>
              <p className="font-semibold">
                {t(`manage.orders.dropStatus.${drop.status}`, { count: drop.receivedQty ?? 0 })}
              </p>
              {drop.condition ? <p>{t(`pickup.deliveries.conditions.${drop.condition}`)}</p> : null}
              {drop.notes ? <p className="text-stone-700">{drop.notes}</p> : null}
              {drop.photoUrl ? (
                <AuthImage
                  src={drop.photoUrl}
                  alt={t("pickup.deliveries.photo")}
                  className="mt-2 max-h-56 w-full rounded-lg object-cover"
                  testId="drop-photo"
                />
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <OrderActions order={o} />
    </Page>
  );
}
