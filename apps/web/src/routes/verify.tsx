import { ZOtpCode } from "@cs/contracts";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { TextField } from "../components/text-field.tsx";
import { useResendCode, useVerifyPhone } from "../hooks/api/auth.ts";
import { usePostAuthRoute } from "../hooks/use-post-auth-route.ts";
import { ApiError } from "../lib/api.ts";
import { errorMessage, fieldErrors } from "../lib/errors.ts";
import { useSession } from "../stores/session.ts";

const RESEND_COOLDOWN_S = 60;

/** Counts down once a second to zero; `start(n)` restarts it. */
function useCountdown(): [number, (seconds: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) {
      return;
    }
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft];
}

/** `/verify`: the 6-digit SMS code, with "send a new code". */
export function VerifyRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const verify = useVerifyPhone();
  const resend = useResendCode();
  const postAuthRoute = usePostAuthRoute();
  const [code, setCode] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();
  const [cooldown, startCooldown] = useCountdown();
  const [finishing, setFinishing] = useState(false);

  if (!user) {
    return <Navigate to="/login" replace />;
  }
  if (user.phoneVerified && verify.isIdle && !finishing) {
    return <Navigate to="/dashboard" replace />;
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!ZOtpCode.safeParse(code).success) {
      setLocalError(t("fields.codeInvalid"));
      return;
    }
    setLocalError(undefined);
    verify.mutate(
      { code },
      {
        onSuccess: async (verified) => {
          setFinishing(true);
          await navigate(await postAuthRoute(verified), { replace: true });
        },
      },
    );
  }

  function onResend() {
    resend.mutate(undefined, {
      onSuccess: () => startCooldown(RESEND_COOLDOWN_S),
      onError: (error) => {
        if (error instanceof ApiError && error.code === "otp_too_soon") {
          startCooldown(RESEND_COOLDOWN_S);
        }
      },
    });
  }

  const codeError = localError ?? fieldErrors(t, verify.error, { code: "fields.codeInvalid" }).code;

  return (
    <Page title={t("auth.verifyTitle")} intro={t("auth.verifyIntro", { phone: user.phone })}>
      <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
        {verify.isError && !codeError ? <Alert>{errorMessage(t, verify.error)}</Alert> : null}
        <TextField
          label={t("auth.code")}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          placeholder="123456"
          className="[&_input]:text-center [&_input]:text-2xl [&_input]:tracking-[0.5em]"
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, "").slice(0, 6))}
          error={codeError}
        />
        <Button
          type="submit"
          busy={verify.isPending || finishing}
          className="w-full"
          data-testid="verify-submit"
        >
          {t("auth.verifySubmit")}
        </Button>
      </form>
      <div className="flex flex-col gap-3">
        {resend.isSuccess && cooldown > 0 ? <Alert tone="success">{t("auth.resent")}</Alert> : null}
        {resend.isError &&
        !(resend.error instanceof ApiError && resend.error.code === "otp_too_soon") ? (
          <Alert>{errorMessage(t, resend.error)}</Alert>
        ) : null}
        <Button
          variant="secondary"
          className="w-full"
          onClick={onResend}
          busy={resend.isPending}
          disabled={cooldown > 0}
          data-testid="resend-code"
        >
          {t("auth.resend")}
        </Button>
        {cooldown > 0 ? (
          <p className="text-center text-sm text-stone-700" aria-live="polite">
            {t("auth.resendWait", { seconds: cooldown })}
          </p>
        ) : null}
      </div>
    </Page>
  );
}
