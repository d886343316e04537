import { DROP_CONDITIONS } from "@cs/contracts";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { ChoiceGroup, RadioChip } from "../components/chip.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { QuantityStepper } from "../components/quantity-stepper.tsx";
import { TextAreaField } from "../components/textarea-field.tsx";
import { usePickupDeliveries, useReceiveDelivery } from "../hooks/api/pickup.ts";
import { errorMessage } from "../lib/errors.ts";
import { shrinkPhoto } from "../lib/images.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

type Delivery = NonNullable<ReturnType<typeof usePickupDeliveries>["data"]>[number];
type Condition = (typeof DROP_CONDITIONS)[number];

/** A URL showing the blob while it is chosen, released when it changes. */
function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(blob);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [blob]);
  return url;
}

/** The quality check: how many arrived, in what state, anything to note. */
function ReceiveForm({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation();
  const receive = useReceiveDelivery();
  const [receivedQty, setReceivedQty] = useState(delivery.quantity);
  const [condition, setCondition] = useState<Condition>("good");
  const [notes, setNotes] = useState("");
  const [photo, setPhoto] = useState<Blob | null>(null);
  const preview = useObjectUrl(photo);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    receive.mutate({
      orderId: delivery.orderId,
      receivedQty,
      condition,
      photo,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    });
  }

  if (receive.isSuccess) {
    return (
      <Alert tone={receive.data.disputeId ? "info" : "success"}>
        {receive.data.disputeId
          ? t("pickup.deliveries.short")
          : t("pickup.deliveries.received", { count: receive.data.credentialsIssued })}
      </Alert>
    );
  }
  return (
    <form
      className="flex flex-col gap-3 rounded-xl bg-stone-100 p-3"
      onSubmit={onSubmit}
      noValidate
    >
      <QuantityStepper
        label={t("pickup.deliveries.receivedQty", { unit: delivery.product.unit })}
        hint={t("pickup.deliveries.expected", { count: delivery.quantity })}
        value={receivedQty}
        min={0}
        max={Math.max(delivery.quantity * 2, 1)}
        onChange={setReceivedQty}
      />
      <ChoiceGroup legend={t("pickup.deliveries.condition")}>
        {DROP_CONDITIONS.map((value) => (
          <RadioChip
            key={value}
            name={`condition-${delivery.orderId}`}
            value={value}
            checked={condition === value}
            onChange={() => setCondition(value)}
          >
            {t(`pickup.deliveries.conditions.${value}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>
      <TextAreaField
        label={t("pickup.deliveries.notes")}
        name="notes"
        rows={2}
        maxLength={1000}
        value={notes}
        onChange={(event) => setNotes(event.target.value)}
      />
      <label className="flex flex-col gap-2 text-[15px] font-semibold text-stone-900">
        {t("pickup.deliveries.photo")}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          className="text-[15px] font-normal file:mr-3 file:min-h-11 file:rounded-xl file:border-0 file:bg-white file:px-4 file:font-semibold file:ring-1 file:ring-stone-300"
          onChange={(event) => {
            const file = event.target.files?.[0];
            void (file ? shrinkPhoto(file) : Promise.resolve(null)).then(setPhoto);
          }}
          data-testid="receive-photo"
        />
      </label>
      {preview ? (
        <img
          src={preview}
          alt={t("pickup.deliveries.photo")}
          className="max-h-48 w-full rounded-xl object-cover"
          data-testid="receive-photo-preview"
        />
      ) : null}
      {receivedQty < delivery.quantity ? (
        <Alert tone="info">{t("pickup.deliveries.shortWarning")}</Alert>
      ) : null}
      {receive.isError ? <Alert>{errorMessage(t, receive.error)}</Alert> : null}
      <Button
        type="submit"
        className="w-full"
        busy={receive.isPending}
        data-testid="receive-confirm"
      >
        {t("pickup.deliveries.confirm")}
      </Button>
    </form>
  );
}

function DeliveryCard({ delivery }: { delivery: Delivery }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="delivery-card"
    >
      <div className="flex flex-col gap-1">
        <p className="text-sm font-semibold text-green-800">
          {delivery.group.code} · {delivery.supplierName}
        </p>
        <p className="text-lg font-bold text-stone-900">
          {t("pickup.deliveries.line", {
            count: delivery.quantity,
            product: delivery.product.name,
          })}
        </p>
        <p className="text-[15px] text-stone-700">
          {t("pickup.deliveries.traders", { count: delivery.participantCount })}
        </p>
        {delivery.deliveryDate ? (
          <p className="text-[15px] text-stone-700">
            {t("pickup.deliveries.due", { date: delivery.deliveryDate })}
          </p>
        ) : null}
        {delivery.trackingNote ? (
          <p className="text-[15px] text-stone-700">“{delivery.trackingNote}”</p>
        ) : null}
        {delivery.receivedAt ? (
          <p className="text-[15px] font-semibold text-stone-900">
            {t(`pickup.deliveries.status.${delivery.status}`, {
              count: delivery.receivedQty ?? 0,
              time: formatHarareTime(delivery.receivedAt, i18n.language),
            })}
          </p>
        ) : null}
      </div>
      {delivery.status === "pending" ? (
        open ? (
          <ReceiveForm delivery={delivery} />
        ) : (
          <Button className="w-full" onClick={() => setOpen(true)} data-testid="receive-open">
            {t("pickup.deliveries.receive")}
          </Button>
        )
      ) : null}
    </li>
  );
}

/** `/pickup/deliveries`: goods on their way to this point and those checked in. */
export function PickupDeliveriesRoute() {
  const { t } = useTranslation();
  const deliveries = usePickupDeliveries();
  let content: ReactNode;
  if (deliveries.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>{errorMessage(t, deliveries.error)}</Alert>
        <Button variant="secondary" onClick={() => void deliveries.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!deliveries.data) {
    content = <PageLoading />;
  } else if (deliveries.data.length === 0) {
    content = (
      <p className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800">
        {t("pickup.deliveries.empty")}
      </p>
    );
  } else {
    const pendingFirst = [...deliveries.data].sort(
      (a, b) => Number(b.status === "pending") - Number(a.status === "pending"),
    );
    content = (
      <ul className="flex flex-col gap-3" data-testid="delivery-list">
        {pendingFirst.map((delivery) => (
          <DeliveryCard key={delivery.orderId} delivery={delivery} />
        ))}
      </ul>
    );
  }
  return (
    <Page title={t("pickup.deliveries.title")} intro={t("pickup.deliveries.intro")}>
      {content}
    </Page>
  );
}
