import { ZLoginRequest } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { TextField } from "../components/text-field.tsx";
import { useLogin } from "../hooks/api/auth.ts";
import { usePostAuthRoute } from "../hooks/use-post-auth-route.ts";
import { errorMessage, fieldErrors, issuesToFieldErrors } from "../lib/errors.ts";

const FIELD_MESSAGES: Record<string, string> = {
  phone: "fields.phoneInvalid",
  password: "fields.passwordRequired",
};

/**
 * `?next=/groups/…` (links such as "log in to join") or the page a guard sent the user away from.
 * Only paths on this site are followed, never another origin (`//evil.example`).
 */
function returnPath(next: string | null, state: unknown): string | undefined {
  if (next && /^\/(?![/\\])/.test(next)) {
    return next;
  }
  return fromPath(state);
}

function fromPath(state: unknown): string | undefined {
  if (typeof state === "object" && state !== null && "from" in state) {
    const from = (state as { from: unknown }).from;
    return typeof from === "string" ? from : undefined;
  }
  return undefined;
}

/** `/login`: phone and password. */
export function LoginRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const login = useLogin();
  const postAuthRoute = usePostAuthRoute();
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [finishing, setFinishing] = useState(false);

  const errors = { ...fieldErrors(t, login.error, FIELD_MESSAGES), ...localErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { phone, password };
    const parsed = ZLoginRequest.safeParse(input);
    const found = parsed.success ? {} : issuesToFieldErrors(t, parsed.error.issues, FIELD_MESSAGES);
    if (!password) {
      found.password = t("fields.passwordRequired");
    }
    setLocalErrors(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    login.mutate(input, {
      onSuccess: async (session) => {
        setFinishing(true);
        await navigate(
          await postAuthRoute(session.user, returnPath(params.get("next"), location.state)),
          {
            replace: true,
          },
        );
      },
    });
  }

  return (
    <Page title={t("auth.loginTitle")} intro={t("auth.loginIntro")}>
      <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
        {login.isError && Object.keys(errors).length === 0 ? (
          <Alert>{errorMessage(t, login.error)}</Alert>
        ) : null}
        <TextField
          label={t("auth.phone")}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          placeholder="0771234567"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={errors.phone}
          required
        />
        <PasswordField
          label={t("auth.password")}
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
        />
        <Link
          to="/reset"
          className="-mt-1 self-start py-2 text-base font-semibold text-green-800 underline underline-offset-4"
        >
          {t("auth.forgotPassword")}
        </Link>
        <Button
          type="submit"
          busy={login.isPending || finishing}
          className="w-full"
          data-testid="login-submit"
        >
          {t("auth.loginSubmit")}
        </Button>
      </form>
      <p className="text-center text-base text-stone-700">
        {t("auth.noAccount")}{" "}
        <Link to="/register" className="font-semibold text-green-800 underline underline-offset-4">
          {t("nav.register")}
        </Link>
      </p>
    </Page>
  );
}
