import {
  normalizeZimPhone,
  type TCheckoutMethod,
  type TGroup,
  type TPaymentMethods,
} from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useJoinGroup } from "../hooks/api/groups.ts";
import { usePaymentMethods } from "../hooks/api/payments.ts";
import { useCheckoutRedirect } from "../hooks/use-checkout.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { useSession } from "../stores/session.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { ChoiceGroup, RadioChip } from "./chip.tsx";
import { QuantityStepper } from "./quantity-stepper.tsx";
import { TextField } from "./text-field.tsx";

/** Brand names stay as they are in every language; card and cash are translated. */
export const METHOD_BRANDS: Partial<Record<TCheckoutMethod, string>> = {
  ecocash: "EcoCash",
  onemoney: "OneMoney",
};

/** +263771234567 → 0771234567, the way traders write their number. */
function localPhone(e164: string | undefined): string {
  return e164?.startsWith("+263") ? `0${e164.slice(4)}` : (e164 ?? "");
}

/** Whether a method (or a cash share's deposit) asks a mobile-money number. */
function needsPhone(method: TCheckoutMethod, offer: TPaymentMethods | undefined): boolean {
  if (method === "ecocash" || method === "onemoney") {
    return true;
  }
  return method === "cash" && (offer?.cash?.depositMethods.length ?? 0) > 0;
}

type MethodChoiceProps = {
  currency: TGroup["currency"];
  method: TCheckoutMethod | null;
  onMethod: (method: TCheckoutMethod) => void;
  phone: string;
  onPhone: (phone: string) => void;
  phoneError: string | undefined;
};

/**
 * The methods the server offers for this currency, the number to approve on for EcoCash and
 * OneMoney (prefilled from the account), and for cash the deposit rule that holds the share.
 */
export function MethodChoice(props: MethodChoiceProps) {
  const { t } = useTranslation();
  const offer = usePaymentMethods(props.currency);
  const methods = offer.data?.methods ?? [];
  if (offer.isError) {
    return <Alert>{errorMessage(t, offer.error)}</Alert>;
  }
  if (offer.data && methods.length === 0) {
    return <Alert tone="info">{t("payment.methods.none")}</Alert>;
  }
  const chosen = props.method;
  const rule = offer.data?.cash?.rule;
  return (
    <div className="flex flex-col gap-3">
      <ChoiceGroup legend={t("groups.join.method")}>
        {methods.map(({ method }) => (
          <RadioChip
            key={method}
            name="method"
            value={method}
            testId={`method-${method}`}
            checked={chosen === method}
            onChange={(next) => props.onMethod(next as TCheckoutMethod)}
          >
            {METHOD_BRANDS[method] ?? t(`payment.methods.${method}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>
      {chosen === "cash" && rule ? (
        <p
          className="rounded-xl bg-amber-50 p-3 text-[15px] text-amber-950"
          data-testid="cash-rule"
        >
          {rule.mode === "none"
            ? t("payment.methods.cashNoDeposit")
            : t("payment.methods.cashDeposit", { percent: rule.percentBps / 100 })}
        </p>
      ) : null}
      {chosen && needsPhone(chosen, offer.data) ? (
        <TextField
          label={t("payment.methods.phone")}
          hint={t("payment.methods.phoneHint")}
          inputMode="tel"
          autoComplete="tel"
          value={props.phone}
          onChange={(event) => props.onPhone(event.target.value)}
          error={props.phoneError}
          data-testid="pay-phone"
        />
      ) : null}
    </div>
  );
}

/** The method state of a payment form: the first offered method, the account's number. */
export function useMethodState(currency: TGroup["currency"], accountPhone: string | undefined) {
  const { t } = useTranslation();
  const offer = usePaymentMethods(currency);
  const [picked, setPicked] = useState<TCheckoutMethod | null>(null);
  const [phone, setPhone] = useState(() => localPhone(accountPhone));
  const [tried, setTried] = useState(false);
  const method = picked ?? offer.data?.methods[0]?.method ?? null;
  const asksPhone = method ? needsPhone(method, offer.data) : false;
  const e164 = asksPhone ? normalizeZimPhone(phone) : null;
  const phoneError = asksPhone && tried && !e164 ? t("payment.methods.phoneInvalid") : undefined;
  return {
    props: { currency, method, onMethod: setPicked, phone, onPhone: setPhone, phoneError },
    /** The checkout choice to send, or null (and the error shown) when it is not valid yet. */
    choice(): { method: TCheckoutMethod; phone?: string } | null {
      setTried(true);
      if (!method || (asksPhone && !e164)) {
        return null;
      }
      return e164 ? { method, phone: e164 } : { method };
    },
  };
}

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
  const user = useSession((st) => st.user);
  const methods = useMethodState(group.currency, user?.phone);
  const [, setParams] = useSearchParams();
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
    const choice = methods.choice();
    if (!choice) {
      return;
    }
    join.mutate(
      { quantity: chosen, pickupPointId: pickupPointId || undefined, ...choice },
      {
        onSuccess: ({ payment }) => {
          if (payment.checkoutUrl) {
            goToCheckout(payment.checkoutUrl);
            return;
          }
          // Express checkout (approve on the handset), a refusal, or cash: the status screen.
          setParams({ payment: payment.paymentId }, { replace: true });
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

      <MethodChoice {...methods.props} />

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
