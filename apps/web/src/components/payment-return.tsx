import type { TGroup } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { invalidateShares, useRetryPayment } from "../hooks/api/groups.ts";
import { PAYMENT_POLL_FOR_MS, usePayment } from "../hooks/api/payments.ts";
import { useCheckoutRedirect } from "../hooks/use-checkout.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { useSession } from "../stores/session.ts";
import { Alert } from "./alert.tsx";
import { Button, buttonClass } from "./button.tsx";
import { SpinnerIcon } from "./icons.tsx";

type PaymentReturnProps = { group: TGroup; paymentId: string; onDismiss: () => void };

/**
 * Where the payment provider sends the trader back: the payment's state in plain words, asked
 * again every 1.5 s (and on every `user:update` push) until it is settled or 30 s have passed.
 */
export function PaymentReturn({ group, paymentId, onDismiss }: PaymentReturnProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const sessionStatus = useSession((s) => s.status);
  const [since] = useState(() => Date.now());
  const [longWait, setLongWait] = useState(false);
  const payment = usePayment(paymentId, since);
  const retry = useRetryPayment(group.id);
  const { redirecting, goToCheckout } = useCheckoutRedirect();
  const status = payment.data?.status;

  useEffect(() => {
    const timer = setTimeout(() => setLongWait(true), PAYMENT_POLL_FOR_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    // Settled: the trader's share and the group's numbers have changed with it.
    if (status && status !== "pending") {
      invalidateShares(queryClient, group.id);
    }
  }, [status, queryClient, group.id]);

  const share = group.myParticipation;
  const canRetry =
    share?.status === "reserved" &&
    group.status === "open" &&
    (status === "failed" || status === "cancelled");

  let state: string;
  let body: ReactNode;
  if (sessionStatus === "anonymous") {
    state = "signed-out";
    const next = `/groups/${group.id}?payment=${paymentId}`;
    body = (
      <Link
        to={`/login?next=${encodeURIComponent(next)}`}
        className={buttonClass("primary", "w-full")}
      >
        {t("payment.signIn")}
      </Link>
    );
  } else if (payment.isError) {
    state = "error";
    body = (
      <>
        <Alert>{errorMessage(t, payment.error)}</Alert>
        <Button variant="secondary" className="w-full" onClick={() => void payment.refetch()}>
          {t("payment.checkAgain")}
        </Button>
      </>
    );
  } else if (!status || status === "pending") {
    state = "pending";
    body = longWait ? (
      <>
        <Alert tone="info">{t("payment.waitingLong")}</Alert>
        <Button
          variant="secondary"
          className="w-full"
          busy={payment.isFetching}
          onClick={() => void payment.refetch()}
        >
          {t("payment.checkAgain")}
        </Button>
      </>
    ) : (
      <p className="flex items-center gap-3 text-base font-semibold text-stone-800" role="status">
        <SpinnerIcon className="size-6 shrink-0 animate-spin text-green-700" />
        {t("payment.waiting")}
      </p>
    );
  } else if (status === "succeeded" && payment.data) {
    state = "paid";
    body = (
      <Alert tone="success">
        <span className="font-bold">
          {t("payment.paid", {
            amount: formatMoney(payment.data.amount, payment.data.currency, i18n.language),
          })}
        </span>
      </Alert>
    );
  } else if (status === "expired") {
    state = "expired";
    body = <Alert tone="info">{t("payment.expired")}</Alert>;
  } else {
    state = status === "failed" ? "declined" : "cancelled";
    body = (
      <>
        <Alert>{status === "failed" ? t("payment.declined") : t("payment.cancelled")}</Alert>
        {retry.isError ? <Alert>{errorMessage(t, retry.error)}</Alert> : null}
        {canRetry && share ? (
          <Button
            variant="accent"
            className="w-full"
            data-testid="payment-retry"
            busy={retry.isPending || redirecting}
            onClick={() =>
              retry.mutate(share.id, {
                onSuccess: (next) => {
                  if (next.checkoutUrl) {
                    goToCheckout(next.checkoutUrl);
                  }
                },
              })
            }
          >
            {t("payment.tryAgain")}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-300"
      data-testid="payment-status"
      data-state={state}
      aria-live="polite"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-bold text-stone-900">{t("payment.title")}</h2>
        {state === "pending" ? null : (
          <button
            type="button"
            className="min-h-11 rounded-lg px-3 text-[15px] font-semibold text-green-800 underline underline-offset-4"
            onClick={onDismiss}
          >
            {t("payment.dismiss")}
          </button>
        )}
      </div>
      {body}
    </section>
  );
}
