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
export interface PaymentProvider {
  readonly name: string;
  initCheckout(input: {
    merchantReference: string;
    amount: number;
    currency: TCurrency;
    description: string;
    method?: TPaymentMethod | undefined;
    returnUrl: string;
    webhookUrl: string;
  }): Promise<{ providerRef: string; checkoutUrl: string }>;
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
