import type { TFunction } from "i18next";
import { ApiError } from "./api.ts";

/** The translated message for any failure: the problem `code` when known, else a generic one. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    return t(`errors.${error.code}`, { defaultValue: t("errors.generic") });
  }
  return t("errors.generic");
}

/** True when the failure names a field the form shows: its message then sits beside that field. */
export function shownBeside(error: unknown, messages: Record<string, string>): boolean {
  return (
    error instanceof ApiError && Object.keys(error.fieldErrors).some((field) => field in messages)
  );
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

/** A row's error: which of its fields (`""` when the row as a whole) and the message. */
export type RowError = { field: string; message: string };

/**
 * Errors of the rows of a list field, by row index: from the server (`tiers.1.minQty`) or from
 * zod issues (`["tiers", 1, "minQty"]`). `messages` names the translation key for each field of a
 * row (`minQty`, `unitPrice`); a row error of another field gets the generic message.
 */
export function rowErrors(
  t: TFunction,
  source: unknown,
  list: string,
  messages: Record<string, string>,
): Record<number, RowError> {
  let paths: readonly (readonly PropertyKey[])[] = [];
  if (source instanceof ApiError) {
    paths = source.issuePaths;
  } else if (Array.isArray(source)) {
    paths = (source as { path: readonly PropertyKey[] }[]).map((issue) => issue.path);
  }
  const result: Record<number, RowError> = {};
  for (const path of paths) {
    const index = Number(path[1]);
    if (String(path[0]) !== list || path.length < 2 || !Number.isInteger(index)) {
      continue;
    }
    const field = String(path[2] ?? "");
    const key = messages[field];
    result[index] ??= { field, message: key ? t(key) : t("fields.invalid") };
  }
  return result;
}
