import { normalizeZimPhone, passwordWeakness, ZOtpCode } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { TextField } from "../components/text-field.tsx";
import { useLogin, usePasswordResetConfirm, usePasswordResetRequest } from "../hooks/api/auth.ts";
import { usePostAuthRoute } from "../hooks/use-post-auth-route.ts";
import { errorMessage, fieldErrors } from "../lib/errors.ts";

const FIELD_MESSAGES: Record<string, string> = {
  phone: "fields.phoneInvalid",
  code: "fields.codeInvalid",
  password: "errors.password_weak",
};

/** `/reset`: ask for a code by phone, then code + new password, then sign in with it. */
export function ResetRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const request = usePasswordResetRequest();
  const confirm = usePasswordResetConfirm();
  const login = useLogin();
  const postAuthRoute = usePostAuthRoute();
  const [phone, setPhone] = useState<string | null>(null);
  const [phoneInput, setPhoneInput] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  function onRequest(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const normalized = normalizeZimPhone(phoneInput);
    if (!normalized) {
      setLocalErrors({ phone: t("fields.phoneInvalid") });
      return;
    }
    setLocalErrors({});
    request.mutate({ phone: normalized }, { onSuccess: () => setPhone(normalized) });
  }

  function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!phone) {
      return;
    }
    const found: Record<string, string> = {};
    if (!ZOtpCode.safeParse(code).success) {
      found.code = t("fields.codeInvalid");
    }
    if (passwordWeakness(password)) {
      found.password = t("errors.password_weak");
    }
    setLocalErrors(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    confirm.mutate(
      { phone, code, password },
      {
        onSuccess: () => {
          login.mutate(
            { phone, password },
            {
              onSuccess: async (session) => {
                await navigate(await postAuthRoute(session.user), { replace: true });
              },
              onError: () => {
                void navigate("/login", { replace: true });
              },
            },
          );
        },
      },
    );
  }

  if (!phone) {
    const errors = { ...fieldErrors(t, request.error, FIELD_MESSAGES), ...localErrors };
    return (
      <Page title={t("auth.resetTitle")} intro={t("auth.resetIntro")}>
        <form className="flex flex-col gap-4" onSubmit={onRequest} noValidate>
          {request.isError && !errors.phone ? (
            <Alert>{errorMessage(t, request.error)}</Alert>
          ) : null}
          <TextField
            label={t("auth.phone")}
            name="phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel-national"
            placeholder="0771234567"
            value={phoneInput}
            onChange={(e) => setPhoneInput(e.target.value)}
            hint={t("auth.phoneHint")}
            error={errors.phone}
          />
          <Button type="submit" busy={request.isPending} className="w-full">
            {t("auth.resetRequest")}
          </Button>
        </form>
      </Page>
    );
  }

  const errors = { ...fieldErrors(t, confirm.error, FIELD_MESSAGES), ...localErrors };
  return (
    <Page title={t("auth.resetTitle")} intro={t("auth.resetCodeIntro", { phone })}>
      <form className="flex flex-col gap-4" onSubmit={onConfirm} noValidate>
        {confirm.isError && Object.keys(errors).length === 0 ? (
          <Alert>{errorMessage(t, confirm.error)}</Alert>
        ) : null}
        <TextField
          label={t("auth.code")}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, "").slice(0, 6))}
          error={errors.code}
        />
        <PasswordField
          label={t("auth.newPassword")}
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          withRule
        />
        <Button type="submit" busy={confirm.isPending || login.isPending} className="w-full">
          {t("auth.resetConfirm")}
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setPhone(null);
            setCode("");
            confirm.reset();
          }}
        >
          {t("auth.changePhone")}
        </Button>
      </form>
    </Page>
  );
}
