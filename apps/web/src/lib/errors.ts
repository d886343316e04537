import type { TFunction } from "i18next";
import { ApiError } from "./api.ts";

/** The translated message for any failure: the problem `code` when known, else a generic one. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    return t(`errors.${error.code}`, { defaultValue: t("errors.generic") });
  }
  return t("errors.generic");
}

/** Which form field an error code is about, so the message can sit beside that field. */
const CODE_FIELDS: Record<string, string> = {
  phone_invalid: "phone",
  phone_taken: "phone",
  email_taken: "email",
  password_weak: "password",
  otp_invalid: "code",
  otp_expired: "code",
  otp_attempts_exceeded: "code",
};

/**
 * Field errors of a failure, each translated: `messages` names the translation key for each field
 * the form shows; fields the form does not know get a generic "check this field".
 */
export function fieldErrors(
  t: TFunction,
  error: unknown,
  messages: Record<string, string>,
): Record<string, string> {
  if (!(error instanceof ApiError)) {
    return {};
  }
  const result: Record<string, string> = {};
  for (const field of Object.keys(error.fieldErrors)) {
    const key = messages[field];
    result[field] = key ? t(key) : t("fields.invalid");
  }
  const codeField = CODE_FIELDS[error.code];
  if (codeField && !result[codeField]) {
    result[codeField] = t(`errors.${error.code}`);
  }
  return result;
}

/** Turns zod-style issues (`path` arrays) into translated field errors for the same forms. */
export function issuesToFieldErrors(
  t: TFunction,
  issues: readonly { path: readonly PropertyKey[] }[],
  messages: Record<string, string>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "");
    if (field && !result[field]) {
      const key = messages[field];
      result[field] = key ? t(key) : t("fields.invalid");
    }
  }
  return result;
}
