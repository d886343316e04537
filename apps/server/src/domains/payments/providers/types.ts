import type { TCurrency, TPaymentMethod } from "@cs/contracts";

/** What a provider says about one of its transactions when asked directly. */
export interface ProviderTransaction {
  providerRef: string;
  merchantReference: string;
  status: "pending" | "paid" | "declined" | "expired";
  amount: number;
  currency: TCurrency;
  method: TPaymentMethod | null;
}

/** A webhook whose signature checked out; what it claims still has to be verified with `verify`. */
export interface VerifiedWebhook {
  eventKey: string;
  providerRef: string;
  claimedStatus: ProviderTransaction["status"];
  payload: unknown;
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
  returnUrl: string;
  webhookUrl: string;
}

export interface CheckoutPage {
  providerRef: string;
  checkoutUrl: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Opens a hosted checkout; the same merchant reference twice is the same checkout. */
  initCheckout(input: CheckoutRequest): Promise<CheckoutPage>;
  /** Many checkouts in one call, for a provider that can (answers in the order asked). */
  initCheckouts?(inputs: readonly CheckoutRequest[]): Promise<CheckoutPage[]>;
  verify(providerRef: string): Promise<ProviderTransaction>;
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
