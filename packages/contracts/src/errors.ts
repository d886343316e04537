/**
 * The stable error codes of the API. The server's catalogue maps each to an HTTP status; the web
 * app and the SMS/USSD channels map each to a message in the user's language.
 */
export const ERROR_CODES = [
  "validation_failed",
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "not_found",
  "route_not_found",
  "unauthenticated",
  "token_invalid",
  "token_expired",
  "forbidden",
  "rate_limited",
  "phone_invalid",
  "phone_taken",
  "email_taken",
  "password_weak",
  "invalid_credentials",
  "account_locked",
  "phone_not_verified",
  "phone_already_verified",
  "otp_invalid",
  "otp_expired",
  "otp_attempts_exceeded",
  "otp_too_soon",
  "refresh_token_missing",
  "refresh_token_invalid",
  "refresh_token_reused",
  "profile_not_applicable",
  "unknown_reference",
  "internal_error",
  "service_unavailable",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
