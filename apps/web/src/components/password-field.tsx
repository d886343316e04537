import { PASSWORD_MIN_LENGTH, passwordWeakness } from "@cs/contracts";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { TextField } from "./text-field.tsx";

/**
 * Translation key for a reason given by `passwordWeakness` (shared with the server). Its texts are
 * English phrases, so match loosely: anything unrecognised counts as "too easy to guess".
 */
function weaknessKey(reason: string): string {
  if (reason.startsWith("at least")) {
    return "auth.passwordTooShort";
  }
  if (reason.includes("letters and numbers")) {
    return "auth.passwordNeedsMix";
  }
  return "auth.passwordCommon";
}

type PasswordFieldProps = {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** Show the rule and live feedback (registration, reset); off for logging in. */
  withRule?: boolean;
  autoComplete: "new-password" | "current-password";
};

export function PasswordField({
  label,
  name,
  value,
  onChange,
  error,
  withRule = false,
  autoComplete,
}: PasswordFieldProps) {
  const { t } = useTranslation();
  const [visible, setVisible] = useState(false);
  let hint: ReactNode;
  if (withRule) {
    const weakness = value ? passwordWeakness(value) : null;
    hint = (
      <>
        <span>{t("auth.passwordRule")}</span>
        {value ? (
          <span
            data-testid="password-feedback"
            className={`mt-1 block font-semibold ${weakness ? "text-amber-800" : "text-green-800"}`}
            aria-live="polite"
          >
            {weakness
              ? t(weaknessKey(weakness), { min: PASSWORD_MIN_LENGTH })
              : t("auth.passwordOk")}
          </span>
        ) : null}
      </>
    );
  }
  return (
    <TextField
      label={label}
      name={name}
      type={visible ? "text" : "password"}
      autoComplete={autoComplete}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
      hint={hint}
      trailing={
        <button
          type="button"
          className="min-h-10 rounded-lg px-3 text-sm font-semibold text-green-800 hover:bg-green-50"
          onClick={() => setVisible((v) => !v)}
          aria-pressed={visible}
        >
          {visible ? t("auth.hidePassword") : t("auth.showPassword")}
        </button>
      }
    />
  );
}
