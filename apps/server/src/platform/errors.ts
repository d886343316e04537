import type { ErrorCode } from "@cs/contracts";

/** HTTP status and English title of every stable error code: the one error catalogue. */
export const ERROR_CATALOGUE: Record<ErrorCode, { status: number; title: string }> = {
  validation_failed: { status: 400, title: "The request is not valid" },
  malformed_json: { status: 400, title: "The request body is not valid JSON" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  not_found: { status: 404, title: "Not found" },
  route_not_found: { status: 404, title: "No such route" },
  unauthenticated: { status: 401, title: "Sign in to continue" },
  token_invalid: { status: 401, title: "The access token is not valid" },
  token_expired: { status: 401, title: "The access token has expired" },
  forbidden: { status: 403, title: "You may not do this" },
  rate_limited: { status: 429, title: "Too many requests" },
  phone_invalid: { status: 400, title: "Not a Zimbabwe mobile number" },
  phone_taken: { status: 409, title: "This phone number is already registered" },
  email_taken: { status: 409, title: "This email address is already registered" },
  password_weak: { status: 400, title: "The password is too weak" },
  invalid_credentials: { status: 401, title: "Wrong phone number or password" },
  account_locked: { status: 423, title: "Too many failed sign-ins; try again later" },
  phone_not_verified: { status: 403, title: "Verify your phone number first" },
  phone_already_verified: { status: 409, title: "This phone number is already verified" },
  otp_invalid: { status: 400, title: "Wrong code" },
  otp_expired: { status: 400, title: "The code has expired; ask for a new one" },
  otp_attempts_exceeded: { status: 429, title: "Too many wrong codes; ask for a new one" },
  otp_too_soon: { status: 429, title: "Wait a minute before asking for another code" },
  refresh_token_missing: { status: 401, title: "No session" },
  refresh_token_invalid: { status: 401, title: "The session is not valid" },
  refresh_token_reused: { status: 401, title: "The session was used twice and has been ended" },
  profile_not_applicable: { status: 403, title: "Only traders have a trader profile" },
  unknown_reference: { status: 400, title: "Unknown reference" },
  already_exists: { status: 409, title: "This already exists" },
  group_not_open: { status: 409, title: "This group is not taking new members" },
  group_full: { status: 409, title: "Not enough left in this group for that quantity" },
  quantity_out_of_range: { status: 400, title: "Quantity outside this group's limits" },
  already_joined: { status: 409, title: "You are already in this group" },
  invalid_transition: { status: 409, title: "That cannot be done in the current state" },
  reservation_lapsed: { status: 409, title: "The reservation has lapsed" },
  payment_not_pending: { status: 409, title: "This payment is no longer pending" },
  webhook_signature_invalid: { status: 401, title: "Webhook signature not valid" },
  webhook_mismatch: { status: 400, title: "Webhook does not match the transaction" },
  quantity_increase_not_allowed: { status: 409, title: "A paid quantity can only be lowered" },
  order_response_closed: { status: 409, title: "The time to answer this order has passed" },
  delivery_already_received: { status: 409, title: "This delivery was already checked in" },
  pickup_agent_unassigned: { status: 403, title: "You are not assigned to a pickup point" },
  pickup_token_invalid: { status: 400, title: "This QR code is not valid" },
  pickup_code_invalid: { status: 400, title: "Wrong pickup code" },
  pickup_credential_expired: { status: 409, title: "This pickup code has expired" },
  pickup_credential_revoked: { status: 409, title: "This share was refunded or cancelled" },
  pickup_already_collected: { status: 409, title: "Already collected" },
  pickup_wrong_point: { status: 409, title: "This code is for another pickup point" },
  pickup_quantity_exceeded: { status: 409, title: "More than remains to collect" },
  pickup_locked: { status: 429, title: "Too many wrong codes; wait before trying again" },
  invoice_not_issued: { status: 409, title: "No invoice yet for this order" },
  provider_unavailable: {
    status: 503,
    title: "The payment provider is not answering; try again in a minute",
  },
  cash_amount_mismatch: { status: 400, title: "Not the amount due in cash" },
  experiment_running: {
    status: 409,
    title: "Another experiment is running; stop it first",
  },
  payout_exceeds_balance: {
    status: 409,
    title: "More than the supplier's releasable balance",
  },
  payout_destination_missing: {
    status: 409,
    title: "The supplier has no payout account in this currency",
  },
  payout_method_unavailable: { status: 409, title: "Payouts cannot go out this way here" },
  chat_message_invalid: {
    status: 400,
    title: "A message needs some text, and no control characters",
  },
  chat_message_too_long: { status: 400, title: "The message is too long" },
  chat_rate_limited: { status: 429, title: "Too many messages; wait a moment" },
  callback_token_invalid: { status: 403, title: "This callback address is not valid" },
  webhook_verification_failed: { status: 403, title: "The webhook verification token is wrong" },
  delivery_not_dead: { status: 409, title: "Only a dead-lettered message can be retried" },
  internal_error: { status: 500, title: "Something went wrong on our side" },
  service_unavailable: { status: 503, title: "The service is not ready" },
};

export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

/** A failure with a stable code; the error handler renders it as RFC 9457 problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

/** Shorthand for a validation failure on one field. */
export function fieldError(code: ErrorCode, path: string, message: string): AppError {
  return new AppError(code, message, { errors: [{ path, message, code }] });
}
