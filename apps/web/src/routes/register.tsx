import { passwordWeakness, ZRegisterRequest } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { SelectField } from "../components/select-field.tsx";
import { TextField } from "../components/text-field.tsx";
import { useRegister } from "../hooks/api/auth.ts";
import { isUiLanguage, LANGUAGE_NAMES, UI_LANGUAGES, type UiLanguage } from "../i18n/index.ts";
import { errorMessage, fieldErrors, issuesToFieldErrors } from "../lib/errors.ts";

const FIELD_MESSAGES: Record<string, string> = {
  name: "fields.nameInvalid",
  phone: "fields.phoneInvalid",
  email: "fields.emailInvalid",
  password: "errors.password_weak",
};

/** `/register`: name, phone, optional email, password and language; then `/verify`. */
export function RegisterRoute() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const register = useRegister();
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // Follows the UI language until the trader picks one here.
  const [chosenLanguage, setChosenLanguage] = useState<UiLanguage | null>(null);
  const language = chosenLanguage ?? (isUiLanguage(i18n.language) ? i18n.language : "en");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const errors = { ...fieldErrors(t, register.error, FIELD_MESSAGES), ...localErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      name: name.trim(),
      phone,
      email: email.trim() || undefined,
      password,
      language,
    };
    const parsed = ZRegisterRequest.safeParse(input);
    const found = parsed.success ? {} : issuesToFieldErrors(t, parsed.error.issues, FIELD_MESSAGES);
    if (passwordWeakness(password)) {
      found.password = t("errors.password_weak");
    }
    setLocalErrors(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    register.reset();
    register.mutate(input, {
      onSuccess: () => {
        void navigate("/verify");
      },
    });
  }

  const showBanner = register.isError && Object.keys(errors).length === 0;

  return (
    <Page title={t("auth.registerTitle")} intro={t("auth.registerIntro")}>
      <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
        {showBanner ? <Alert>{errorMessage(t, register.error)}</Alert> : null}
        <TextField
          label={t("auth.name")}
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          required
        />
        <TextField
          label={t("auth.phone")}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          placeholder="0771234567"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          hint={t("auth.phoneHint")}
          error={errors.phone}
          required
        />
        <TextField
          label={t("auth.email")}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <PasswordField
          label={t("auth.password")}
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          withRule
        />
        <SelectField
          label={t("auth.language")}
          name="language"
          value={language}
          onChange={(e) => {
            if (isUiLanguage(e.target.value)) {
              setChosenLanguage(e.target.value);
            }
          }}
        >
          {UI_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </SelectField>
        <Button
          type="submit"
          busy={register.isPending}
          className="mt-2 w-full"
          data-testid="register-submit"
        >
          {register.isPending ? t("auth.wait") : t("auth.registerSubmit")}
        </Button>
      </form>
      <p className="text-center text-base text-stone-700">
        {t("auth.haveAccount")}{" "}
        <Link to="/login" className="font-semibold text-green-800 underline underline-offset-4">
          {t("nav.login")}
        </Link>
      </p>
    </Page>
  );
}
