import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { useDeadLetters, useRetryDeadLetter } from "../hooks/api/notifications.ts";
import { NOTIFICATIONS_NS } from "../i18n/notifications.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

/** Admins: the dead-letter list, messages that ran out of attempts, each sendable again. */
export function ManageNotificationsRoute() {
  const { t, i18n } = useTranslation(NOTIFICATIONS_NS);
  const { t: tc } = useTranslation();
  const letters = useDeadLetters();
  const retry = useRetryDeadLetter();
  if (letters.isPending) {
    return <PageLoading />;
  }
  return (
    <Page title={t("deadLetters.title")} intro={t("deadLetters.intro")}>
      {letters.isError ? <Alert>{errorMessage(tc, letters.error)}</Alert> : null}
      {retry.isError ? <Alert>{errorMessage(tc, retry.error)}</Alert> : null}
      {retry.isSuccess ? <Alert tone="success">{t("deadLetters.sent")}</Alert> : null}
      {letters.data?.length === 0 ? (
        <p className="rounded-2xl bg-white p-4 ring-1 ring-stone-200">{t("deadLetters.empty")}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {letters.data?.map((letter) => (
            <li
              key={letter.id}
              className="flex flex-col gap-2 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
              data-testid="dead-letter"
            >
              <p className="text-sm font-semibold text-green-800">
                {letter.channel} · {letter.kind} ·{" "}
                {formatHarareTime(letter.updatedAt, i18n.language)}
              </p>
              <p className="font-bold">{letter.recipient}</p>
              <p className="text-sm text-stone-700">
                {t("deadLetters.attempts", { count: letter.attempts })}
              </p>
              {letter.lastError ? (
                <pre className="overflow-x-auto rounded-lg bg-stone-100 p-2 text-xs whitespace-pre-wrap">
                  {letter.lastError}
                </pre>
              ) : null}
              <Button
                variant="secondary"
                busy={retry.isPending && retry.variables === letter.id}
                onClick={() => retry.mutate(letter.id)}
              >
                {t("deadLetters.retry")}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
