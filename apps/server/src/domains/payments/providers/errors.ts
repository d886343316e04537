import type { TPaymentFailureReason } from "@cs/contracts";

export { UpstreamUnavailableError } from "../../../platform/http-client.ts";

/** The provider turned this payment down at checkout (e.g. insufficient balance): it has failed. */
export class CheckoutRefusedError extends Error {
  constructor(
    readonly reason: TPaymentFailureReason,
    detail: string,
  ) {
    super(detail);
  }
}

/** The provider has no refund API: the refund goes to the admins' queue to be sent by hand. */
export class RefundUnsupportedError extends Error {}

/** The provider answered and turned a payout transfer down (a blacklisted account, a bad code). */
export class TransferRefusedError extends Error {}

/** The provider answered something we cannot trust or read (a bad hash, a broken body). */
export class ProviderProtocolError extends Error {}

/** One header's value, whatever the casing Node gave it. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
