import { PAYMENT_METHODS, type TGroup, type TPaymentMethod } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useJoinGroup } from "../hooks/api/groups.ts";
import { useCheckoutRedirect } from "../hooks/use-checkout.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { ChoiceGroup, RadioChip } from "./chip.tsx";
import { QuantityStepper } from "./quantity-stepper.tsx";

/** Brand names stay as they are in every language; only "card" is translated. */
const METHOD_BRANDS: Partial<Record<TPaymentMethod, string>> = {
  ecocash: "EcoCash",
  onemoney: "OneMoney",
};

/** The most a trader may take now: their own limit and what is left under the cap. */
export function quantityLimit(group: TGroup, alreadyMine = 0): number {
  const perTrader = group.maxPerTrader ?? 100_000;
  const left =
    group.cap === null ? 100_000 : group.cap - group.paidQty - group.heldQty + alreadyMine;
  return Math.min(perTrader, left);
}

/** Quantity, pickup point and payment method, the honest total, then "Join and pay". */
export function JoinForm({ group }: { group: TGroup }) {
  const { t, i18n } = useTranslation();
  const join = useJoinGroup(group.id);
  const [quantity, setQuantity] = useState(group.minPerTrader);
  const [pickupPointId, setPickupPointId] = useState(group.pickupPoints[0]?.id ?? "");
  const [method, setMethod] = useState<TPaymentMethod>("ecocash");
  const { redirecting, goToCheckout } = useCheckoutRedirect();
  const money = (cents: number) => formatMoney(cents, group.currency, i18n.language);

  const min = group.minPerTrader;
  const max = quantityLimit(group);
  if (max < min) {
    return <Alert tone="info">{t("groups.join.full")}</Alert>;
  }
  // Others may take units while this form is open: keep the choice within what is left.
  const chosen = Math.min(Math.max(quantity, min), max);
  const total = chosen * group.currentUnitPrice;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    join.mutate(
      { quantity: chosen, pickupPointId: pickupPointId || undefined, method },
      {
        onSuccess: ({ payment }) => {
          // Without a checkout page the share is still reserved: "Pay now" appears instead.
          if (payment.checkoutUrl) {
            goToCheckout(payment.checkoutUrl);
          }
        },
      },
    );
  }

  return (
    <form className="flex flex-col gap-5" onSubmit={onSubmit} noValidate data-testid="join-form">
      <QuantityStepper
        label={t("groups.join.quantity", { unit: group.product.unit })}
        hint={max < 100_000 ? t("groups.join.quantityHint", { min, max }) : undefined}
        value={chosen}
        min={min}
        max={max}
        onChange={setQuantity}
      />

      {group.pickupPoints.length > 1 ? (
        <ChoiceGroup legend={t("groups.join.pickupPoint")}>
          {group.pickupPoints.map((point) => (
            <RadioChip
              key={point.id}
              name="pickupPointId"
              value={point.id}
              checked={pickupPointId === point.id}
              onChange={setPickupPointId}
            >
              {point.name}
            </RadioChip>
          ))}
        </ChoiceGroup>
      ) : null}

      <ChoiceGroup legend={t("groups.join.method")}>
        {PAYMENT_METHODS.map((value) => (
          <RadioChip
            key={value}
            name="method"
            value={value}
            testId={`method-${value}`}
            checked={method === value}
            onChange={(next) => setMethod(next as TPaymentMethod)}
          >
            {METHOD_BRANDS[value] ?? t("groups.join.card")}
          </RadioChip>
        ))}
      </ChoiceGroup>

      <div className="rounded-xl bg-stone-100 p-3">
        <div className="flex items-baseline justify-between gap-2">
          <span className="text-[15px] font-semibold text-stone-800">{t("groups.join.total")}</span>
          <span className="text-2xl font-extrabold text-stone-900" data-testid="join-total">
            {money(total)}
          </span>
        </div>
        <p className="text-right text-sm text-stone-700">
          {t("groups.join.totalDetail", {
            count: chosen,
            price: money(group.currentUnitPrice),
          })}
        </p>
        <ul className="mt-3 flex list-disc flex-col gap-1.5 pl-5 text-sm leading-snug text-stone-800">
          <li>{t("groups.join.priceNote")}</li>
          <li>{t("groups.join.refundNote", { moq: group.moq })}</li>
          <li>{t("groups.join.holdNote")}</li>
        </ul>
      </div>

      {join.isError ? <Alert>{errorMessage(t, join.error)}</Alert> : null}

      <Button
        type="submit"
        variant="accent"
        className="w-full text-lg"
        busy={join.isPending || redirecting}
        data-testid="join-submit"
      >
        {redirecting
          ? t("groups.join.redirecting")
          : t("groups.join.submit", { total: money(total) })}
      </Button>
    </form>
  );
}
