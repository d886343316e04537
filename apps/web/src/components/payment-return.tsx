import type { TGroup } from "@cs/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { invalidateShares, useRetryPayment } from "../hooks/api/groups.ts";
import {
  EXPRESS_PROMPT_MS,
  PAYMENT_POLL_FOR_MS,
  useCheckPayment,
  usePayment,
} from "../hooks/api/payments.ts";
import { useCheckoutRedirect } from "../hooks/use-checkout.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { useSession } from "../stores/session.ts";
import { Alert } from "./alert.tsx";
import { Button, buttonClass } from "./button.tsx";
import { formatDuration } from "./countdown.tsx";
import { SpinnerIcon } from "./icons.tsx";

/** The trader's message for why a payment did not go through, in their language. */
export function failureKey(reason: string | null | undefined, status: string): string {
  if (reason) {
    return `payment.failure.${reason}`;
  }
  return status === "cancelled" ? "payment.cancelled" : "payment.declined";
}

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
  const [now, setNow] = useState(() => Date.now());
  const payment = usePayment(paymentId, since);
  const check = useCheckPayment(paymentId);
  const sectionRef = useRef<HTMLElement>(null);
  // The join button sits low on the page: bring the payment's state into view when it opens.
  useEffect(() => {
    sectionRef.current?.scrollIntoView({ block: "start" });
  }, []);
  const retry = useRetryPayment(group.id);
  const { redirecting, goToCheckout } = useCheckoutRedirect();
  const status = payment.data?.status;

  const express =
    status === "pending" && !payment.data?.checkoutUrl && Boolean(payment.data?.phone);
  useEffect(() => {
    const timer = setTimeout(() => setLongWait(true), PAYMENT_POLL_FOR_MS);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => {
    if (!express) {
      return;
    }
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [express]);
  const promptLeft = Math.max(0, since + EXPRESS_PROMPT_MS - now);

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
  } else if (express && payment.data) {
    state = promptLeft > 0 ? "approve" : "approve-timeout";
    body = (
      <>
        <p className="text-xl font-extrabold text-stone-900" data-testid="approve-title">
          {t("payment.approve.title")}
        </p>
        <p className="text-base text-stone-800">
          {t("payment.approve.sentTo", {
            phone: payment.data.phone,
            amount: formatMoney(payment.data.amount, payment.data.currency, i18n.language),
          })}
        </p>
        {payment.data.instructions ? (
          <p
            className="rounded-xl bg-stone-100 p-3 text-[15px] text-stone-900"
            data-testid="approve-instructions"
          >
            {payment.data.instructions}
          </p>
        ) : null}
        {promptLeft > 0 ? (
          <p
            className="flex items-center gap-3 text-base font-semibold text-stone-800"
            role="status"
          >
            <SpinnerIcon className="size-6 shrink-0 animate-spin text-green-700" />
            {t("payment.approve.timeLeft", { time: formatDuration(t, promptLeft) })}
          </p>
        ) : (
          <Alert tone="info">{t("payment.approve.noAnswer")}</Alert>
        )}
        {check.isError ? <Alert>{errorMessage(t, check.error)}</Alert> : null}
        <Button
          variant="secondary"
          className="w-full"
          busy={check.isPending}
          data-testid="check-again"
          onClick={() => check.mutate()}
        >
          {t("payment.checkAgain")}
        </Button>
        <Button variant="ghost" className="w-full" data-testid="other-method" onClick={onDismiss}>
          {t("payment.otherMethod")}
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
      <>
        <Alert tone="success">
          <span className="font-bold">
            {t("payment.paid", {
              amount: formatMoney(payment.data.amount, payment.data.currency, i18n.language),
            })}
          </span>
        </Alert>
        <Link
          to={`/payments/${paymentId}/receipt`}
          className={buttonClass("secondary", "w-full")}
          data-testid="receipt-link"
        >
          {t("payment.history.receipt")}
        </Link>
      </>
    );
  } else if (status === "expired") {
    state = payment.data?.failureReason === "timed_out" ? "timed_out" : "expired";
    body = (
      <>
        <Alert tone="info">
          {t(
            payment.data?.failureReason === "timed_out"
              ? "payment.failure.timed_out"
              : "payment.expired",
          )}
        </Alert>
        <Button variant="secondary" className="w-full" onClick={onDismiss}>
          {t("payment.otherMethod")}
        </Button>
      </>
    );
  } else {
    state = payment.data?.failureReason ?? (status === "failed" ? "declined" : "cancelled");
    body = (
      <>
        <Alert>
          <span data-testid="payment-failure">
            {t(failureKey(payment.data?.failureReason, status))}
          </span>
        </Alert>
        {retry.isError ? <Alert>{errorMessage(t, retry.error)}</Alert> : null}
        {canRetry && share ? (
          <Button
            variant="accent"
            className="w-full"
            data-testid="payment-retry"
            busy={retry.isPending || redirecting}
            onClick={() =>
              retry.mutate(
                { participationId: share.id },
                {
                  onSuccess: (next) => {
                    if (next.checkoutUrl) {
                      goToCheckout(next.checkoutUrl);
                    }
                  },
                },
              )
            }
          >
            {t("payment.tryAgain")}
          </Button>
        ) : null}
        {canRetry ? (
          <Button
            variant="secondary"
            className="w-full"
            data-testid="other-method"
            onClick={onDismiss}
          >
            {t("payment.otherMethod")}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <section
      ref={sectionRef}
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-300"
      data-testid="payment-status"
      data-state={state}
      aria-live="polite"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-bold text-stone-900">{t("payment.title")}</h2>
        {state === "pending" || state === "approve" ? null : (
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
