import type { TCurrency, TPaymentFailureReason, TPaymentMethod } from "@cs/contracts";

/** What a provider says about one of its transactions when asked directly. */
export interface ProviderTransaction {
  providerRef: string;
  merchantReference: string;
  status: "pending" | "paid" | "declined" | "expired";
  amount: number;
  currency: TCurrency;
  method: TPaymentMethod | null;
  /** Why it did not go through, when it did not. */
  failureReason?: TPaymentFailureReason | null;
  /** The provider's receipt number (Paynow reference, Flutterwave transaction id). */
  receipt?: string | null;
  /** False when the provider has no such transaction yet (nothing attempted): still pending. */
  found?: boolean;
}

/** A webhook whose signature checked out; what it claims still has to be verified with `verify`. */
export interface VerifiedWebhook {
  eventKey: string;
  providerRef: string;
  /** Our payment id, when the webhook names it (Paynow `reference`, Flutterwave `tx_ref`). */
  merchantReference?: string;
  /** The provider's own transaction id, to verify by (Flutterwave). */
  transactionId?: string;
  claimedStatus: ProviderTransaction["status"];
  payload: unknown;
  /** About something other than a payment: recorded and acknowledged only. */
  ignore?: boolean;
  /** About a payout transfer (`transactionId` is the provider's transfer id), not a payment. */
  transfer?: boolean;
}

/**
 * The one interface every payment provider implements (sandbox, Paynow, Flutterwave): the rest
 * of the platform never knows which one it talks to.
 */
export interface CheckoutRequest {
  merchantReference: string;
  amount: number;
  currency: TCurrency;
  description: string;
  method?: TPaymentMethod | undefined;
  /** The mobile-money number to ask for approval (E.164): express checkout where supported. */
  phone?: string | undefined;
  returnUrl: string;
  webhookUrl: string;
}

export interface CheckoutPage {
  providerRef: string;
  /** The hosted page to send the trader to; null when they approve on their handset. */
  checkoutUrl: string | null;
  /** What to show the trader meanwhile (e.g. "Dial *151*2*4# and enter your PIN"). */
  instructions?: string | null;
}

/** What `verify` is asked: the provider's reference, with what we know that helps. */
export interface VerifyRequest {
  providerRef: string;
  hint?: { transactionId?: string | undefined; currency?: TCurrency | undefined };
}

export interface PaymentProvider {
  readonly name: string;
  /**
   * False when a refund request sent twice could pay twice (the provider takes no idempotency
   * key): a refund interrupted mid-call then waits for an admin instead of being sent again.
   */
  readonly idempotentRefunds?: boolean;
  /**
   * Opens a checkout; the same merchant reference twice is the same checkout. Throws
   * `CheckoutRefusedError` when the provider turns this payment down (e.g. insufficient balance).
   */
  initCheckout(input: CheckoutRequest): Promise<CheckoutPage>;
  /**
   * Whether this provider can take `method` in `currency` here (an integration for it, a rail
   * that exists), and whether the trader then approves on their handset (express) rather than on
   * a hosted page. Null: not offered. Without it, every method in every currency, hosted page.
   */
  offers?(method: TPaymentMethod, currency: TCurrency): { express: boolean } | null;
  /** Many checkouts in one call, for a provider that can (answers in the order asked). */
  initCheckouts?(inputs: readonly CheckoutRequest[]): Promise<CheckoutPage[]>;
  /** Asks the provider; `hint` carries what we know that helps (its transaction id, currency). */
  verify(
    providerRef: string,
    hint?: { transactionId?: string | undefined; currency?: TCurrency | undefined },
  ): Promise<ProviderTransaction>;
  /**
   * Several `verify` calls in one, for a provider that can answer them together (the sandbox
   * reads its books once): one answer or error per request, in the order asked.
   */
  verifyMany?(
    requests: readonly VerifyRequest[],
  ): Promise<Array<{ ok: true; value: ProviderTransaction } | { ok: false; error: unknown }>>;
  /**
   * Finds the provider's reference of a transaction by our reference, for a payment whose
   * checkout answer was lost (a crash, a timeout): null when the provider never got it.
   */
  findByReference?(merchantReference: string, currency: TCurrency): Promise<string | null>;
  /** Throws `RefundUnsupportedError` when the provider has no refund API (an admin sends it). */
  refund(input: {
    providerRef: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<{ refundRef: string }>;
  /** Checks the signature over the raw body; throws `webhook_signature_invalid` if it fails. */
  parseWebhook(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): VerifiedWebhook;
}
