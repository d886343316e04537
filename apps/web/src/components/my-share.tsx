import type { TGroup } from "@cs/contracts";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useChangeQuantity, useLeaveGroup, useRetryPayment } from "../hooks/api/groups.ts";
import { useCheckoutRedirect } from "../hooks/use-checkout.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { useServerNow } from "../lib/server-clock.ts";
import { useSession } from "../stores/session.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { formatDuration } from "./countdown.tsx";
import { MethodChoice, quantityLimit, useMethodState } from "./join-form.tsx";
import { QuantityStepper } from "./quantity-stepper.tsx";

type Share = NonNullable<TGroup["myParticipation"]>;

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-3 border-b border-stone-200 py-2 last:border-b-0">
      <dt className="text-[15px] text-stone-700">{label}</dt>
      <dd className="text-right text-base font-semibold text-stone-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

type MyShareProps = { group: TGroup; share: Share; onLeft: () => void };

/** The trader's own share of the group, with "pay now", "change quantity" and "leave". */
export function MyShare({ group, share, onLeft }: MyShareProps) {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  const pay = useRetryPayment(group.id);
  const accountPhone = useSession((st) => st.user?.phone);
  const methods = useMethodState(group.currency, accountPhone);
  const [, setParams] = useSearchParams();
  const change = useChangeQuantity(group.id);
  const leave = useLeaveGroup(group.id);
  const [mode, setMode] = useState<"view" | "change" | "leave">("view");
  const [quantity, setQuantity] = useState(share.quantity);
  const { redirecting, goToCheckout } = useCheckoutRedirect();
  const [changed, setChanged] = useState(false);
  const money = (cents: number) => formatMoney(cents, group.currency, i18n.language);

  const groupOpen = group.status === "open" && Date.parse(group.deadline) > now;
  const reserved = share.status === "reserved";
  const paid = share.status === "paid";
  const holdLeft = Date.parse(share.holdExpiresAt) - now;
  const editable = groupOpen && (reserved || paid);
  const pickup = group.pickupPoints.find((p) => p.id === share.pickupPointId);
  // A paid share may only shrink; a reservation may grow within what is left.
  const max = paid ? share.quantity : quantityLimit(group, share.quantity);
  const failure = [pay, change, leave].find((m) => m.isError)?.error;

  // A paid share at the minimum cannot change; it can only leave.
  const canChange = reserved || share.quantity > group.minPerTrader;

  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-2 ring-green-700"
      data-testid="my-share"
      data-status={share.status}
      aria-labelledby="my-share-title"
    >
      <h2 id="my-share-title" className="text-lg font-bold text-stone-900">
        {t("groups.share.title")}
      </h2>
      <dl>
        <Row label={t("groups.share.quantity")} testId="share-quantity">
          {share.quantity}
        </Row>
        <Row label={t("groups.share.status")} testId="share-status">
          {t(`groups.shareStatus.${share.status}`)}
          {reserved && holdLeft > 0 ? (
            <span className="block text-sm font-semibold text-amber-900">
              {t("groups.share.holdLeft", { time: formatDuration(t, holdLeft) })}
            </span>
          ) : null}
        </Row>
        <Row label={t("groups.share.paid")} testId="share-paid">
          {money(share.amountPaid)}
        </Row>
        {share.amountRefunded > 0 ? (
          <Row label={t("groups.share.refunded")} testId="share-refunded">
            {money(share.amountRefunded)}
          </Row>
        ) : null}
        {pickup ? <Row label={t("groups.share.pickup")}>{pickup.name}</Row> : null}
      </dl>
      {paid && groupOpen ? (
        <p className="text-sm text-stone-700">{t("groups.share.paidNote")}</p>
      ) : null}
      {changed && mode === "view" ? (
        <Alert tone="success">{t("groups.share.changed")}</Alert>
      ) : null}
      {failure ? <Alert>{errorMessage(t, failure)}</Alert> : null}

      {reserved && groupOpen && holdLeft > 0 && mode === "view" ? (
        <>
          <MethodChoice {...methods.props} />
          <Button
            variant="accent"
            className="w-full"
            data-testid="pay-now"
            busy={pay.isPending || redirecting}
            onClick={() => {
              const choice = methods.choice();
              if (!choice) {
                return;
              }
              pay.mutate(
                { participationId: share.id, choice },
                {
                  onSuccess: (payment) => {
                    if (payment.checkoutUrl) {
                      goToCheckout(payment.checkoutUrl);
                      return;
                    }
                    // Express (approve on the handset) or cash: the status screen, as at joining.
                    setParams({ payment: payment.paymentId }, { replace: true });
                  },
                },
              );
            }}
          >
            {t("groups.share.payNow")}
          </Button>
        </>
      ) : null}

      {editable && mode === "change" ? (
        <form
          className="flex flex-col gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate(
              { participationId: share.id, quantity },
              {
                onSuccess: ({ payment }) => {
                  if (payment?.checkoutUrl) {
                    goToCheckout(payment.checkoutUrl);
                    return;
                  }
                  setChanged(true);
                  setMode("view");
                },
              },
            );
          }}
        >
          <QuantityStepper
            label={t("groups.join.quantity", { unit: group.product.unit })}
            hint={paid ? t("groups.share.downOnly") : undefined}
            value={quantity}
            min={group.minPerTrader}
            max={Math.max(group.minPerTrader, max)}
            onChange={setQuantity}
          />
          <div className="grid grid-cols-2 gap-2">
            <Button variant="secondary" onClick={() => setMode("view")}>
              {t("profile.cancel")}
            </Button>
            <Button
              type="submit"
              busy={change.isPending || redirecting}
              disabled={quantity === share.quantity}
              data-testid="save-quantity"
            >
              {t("groups.share.save")}
            </Button>
          </div>
        </form>
      ) : null}

      {editable && mode === "leave" ? (
        <div className="flex flex-col gap-3 rounded-xl bg-red-50 p-3">
          <p className="text-[15px] font-semibold text-red-900">
            {share.amountPaid > share.amountRefunded
              ? t("groups.share.leaveConfirmPaid", {
                  amount: money(share.amountPaid - share.amountRefunded),
                })
              : t("groups.share.leaveConfirm")}
          </p>
          <div className="grid grid-cols-2 gap-2">
            <Button variant="secondary" onClick={() => setMode("view")}>
              {t("groups.share.leaveNo")}
            </Button>
            <Button
              variant="danger"
              busy={leave.isPending}
              data-testid="leave-confirm"
              onClick={() => leave.mutate(share.id, { onSuccess: onLeft })}
            >
              {t("groups.share.leaveYes")}
            </Button>
          </div>
        </div>
      ) : null}

      {editable && mode === "view" ? (
        <div className={`grid gap-2 ${canChange ? "grid-cols-2" : "grid-cols-1"}`}>
          {canChange ? (
            <Button
              variant="secondary"
              className="px-3"
              data-testid="change-quantity"
              onClick={() => {
                setQuantity(share.quantity);
                setChanged(false);
                setMode("change");
              }}
            >
              {t("groups.share.change")}
            </Button>
          ) : null}
          <Button
            variant="dangerOutline"
            className="px-3"
            data-testid="leave"
            onClick={() => setMode("leave")}
          >
            {t("groups.share.leave")}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
