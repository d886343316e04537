import { ZRateDecimal } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { TextField } from "../components/text-field.tsx";
import { useCurrentRate, useRateHistory, useSetRate } from "../hooks/api/rates.ts";
import { errorMessage, fieldErrors } from "../lib/errors.ts";
import { formatRate } from "../lib/money.ts";
import { canSetRate, isManagingAdmin } from "../lib/roles.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { useSession } from "../stores/session.ts";

/** "US$1 = ZiG 26.85": symbols and digits only, read the same in every language. */
function rateText(rate: string): string {
  return `US$1 = ZiG ${formatRate(rate)}`;
}

/** The form to set a new rate, typed as a decimal ("26.85") and sent as that exact string. */
function SetRateForm() {
  const { t } = useTranslation();
  const setRate = useSetRate();
  const [rate, setRateText] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | null>(null);
  const error = localError ?? fieldErrors(t, setRate.error, { rate: "manage.errors.rate" }).rate;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = rate.trim().replace(",", ".");
    if (!ZRateDecimal.safeParse(typed).success) {
      setLocalError(t("manage.errors.rate"));
      return;
    }
    setLocalError(undefined);
    setSaved(null);
    setRate.mutate(typed, {
      onSuccess: (answer) => {
        setSaved(answer.rate);
        setRateText("");
      },
    });
  }

  return (
    <form
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      onSubmit={onSubmit}
      noValidate
      data-testid="rate-form"
    >
      <TextField
        label={t("manage.rate.newRate")}
        hint={t("manage.rate.newRateHint")}
        name="rate"
        inputMode="decimal"
        autoComplete="off"
        placeholder="26.85"
        value={rate}
        onChange={(event) => setRateText(event.target.value)}
        error={error}
      />
      {setRate.isError && !error ? <Alert>{errorMessage(t, setRate.error)}</Alert> : null}
      {saved ? (
        <Alert tone="success">{t("manage.rate.saved", { rate: formatRate(saved) })}</Alert>
      ) : null}
      <Button type="submit" className="w-full" busy={setRate.isPending} data-testid="rate-submit">
        {t("manage.rate.save")}
      </Button>
    </form>
  );
}

/** `/manage/rate` (admins): the USD→ZiG rate in force, its history, and (superadmins) a new one. */
export function ExchangeRateRoute() {
  const user = useSession((s) => s.user);
  return isManagingAdmin(user) ? <ExchangeRate /> : <Navigate to="/manage" replace />;
}

function ExchangeRate() {
  const { t, i18n } = useTranslation();
  const user = useSession((s) => s.user);
  const current = useCurrentRate();
  const history = useRateHistory();
  return (
    <Page title={t("manage.rate.title")} intro={t("manage.rate.intro")}>
      <section
        className="flex flex-col gap-1 rounded-2xl bg-green-800 p-4 text-white"
        data-testid="rate-current"
      >
        <h2 className="text-sm font-semibold tracking-wide text-amber-300 uppercase">
          {t("manage.rate.current")}
        </h2>
        {current.isError ? (
          <p>{errorMessage(t, current.error)}</p>
        ) : current.isPending ? (
          <p>{t("app.loading")}</p>
        ) : current.data ? (
          <>
            <p className="text-3xl font-extrabold" data-testid="rate-value">
              {rateText(current.data.rate)}
            </p>
            <p className="text-sm text-green-100">
              {t("manage.rate.setAt", {
                date: formatHarareTime(current.data.setAt, i18n.language),
              })}
            </p>
          </>
        ) : (
          <p>{t("manage.rate.none")}</p>
        )}
      </section>

      {canSetRate(user) ? (
        <SetRateForm />
      ) : (
        <Alert tone="info">{t("manage.rate.onlySuperadmin")}</Alert>
      )}

      <section className="flex flex-col gap-2" aria-labelledby="rate-history">
        <h2 id="rate-history" className="text-lg font-bold text-stone-900">
          {t("manage.rate.history")}
        </h2>
        {history.isError ? (
          <Alert>{errorMessage(t, history.error)}</Alert>
        ) : !history.data ? (
          <PageLoading />
        ) : (
          <ol
            className="flex flex-col divide-y divide-stone-200 rounded-2xl bg-white shadow-sm ring-1 ring-stone-200"
            data-testid="rate-history"
          >
            {history.data.map((item) => (
              <li
                key={`${item.setAt}-${item.rate}`}
                className="flex items-baseline justify-between gap-3 px-4 py-3"
              >
                <span className="text-base font-bold whitespace-nowrap text-stone-900">
                  ZiG {formatRate(item.rate)}
                </span>
                <span className="text-right text-sm text-stone-700">
                  {formatHarareTime(item.setAt, i18n.language)}
                  {item.setBy === user?.id ? ` · ${t("manage.rate.byYou")}` : ""}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </Page>
  );
}
