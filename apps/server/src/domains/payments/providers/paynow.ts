import type { TCurrency, TPaymentFailureReason } from "@cs/contracts";
import { AppError } from "../../../platform/errors.ts";
import type { HttpClient } from "../../../platform/http-client.ts";
import { fromMajorUnits, toMajorUnits } from "./amounts.ts";
import {
  CheckoutRefusedError,
  ProviderProtocolError,
  RefundUnsupportedError,
  UpstreamUnavailableError,
} from "./errors.ts";
import {
  decodePaynowMessage,
  encodePaynowMessage,
  hasValidPaynowHash,
  type PaynowMessage,
  paynowField,
  toPaynowPhone,
} from "./paynow-codec.ts";
import type {
  CheckoutPage,
  CheckoutRequest,
  PaymentProvider,
  ProviderTransaction,
} from "./types.ts";

export interface PaynowIntegration {
  id: string;
  /** Stored lowercase, as Paynow's SDKs hash it. */
  key: string;
}

export interface PaynowConfig {
  baseUrl: string;
  /** The merchant account's login email: Paynow requires it for express (mobile) checkout. */
  authEmail: string | undefined;
  /** One integration per currency: Paynow takes no currency field, the integration decides. */
  integrations: Partial<Record<TCurrency, PaynowIntegration>>;
}

/** Paynow's statuses (compared case-insensitively) as ours. Paid, Awaiting Delivery, Delivered: paid. */
export function paynowStatus(status: string): {
  status: ProviderTransaction["status"];
  failureReason: TPaymentFailureReason | null;
} {
  const s = status.trim().toLowerCase();
  if (["paid", "awaiting delivery", "delivered", "disputed", "refunded"].includes(s)) {
    // Disputed and Refunded happen after the money came in: refunds track the rest.
    return { status: "paid", failureReason: null };
  }
  if (s === "cancelled") {
    return { status: "declined", failureReason: "cancelled" };
  }
  if (s === "failed") {
    return { status: "declined", failureReason: "declined" };
  }
  return { status: "pending", failureReason: null };
}

/**
 * Paynow (https://www.paynow.co.zw): web checkout on Paynow's page, or express checkout where
 * the trader approves an EcoCash/OneMoney prompt on their handset. Every message is hashed
 * both ways. Our `providerRef` is the poll URL Paynow gives each transaction: asking it is how
 * we verify. Paynow has no refund API.
 */
export function createPaynowProvider(config: PaynowConfig, http: HttpClient) {
  const integrations = Object.entries(config.integrations) as Array<[TCurrency, PaynowIntegration]>;

  function integrationFor(currency: TCurrency): PaynowIntegration {
    const integration = config.integrations[currency];
    if (!integration) {
      throw new ProviderProtocolError(`no Paynow integration for ${currency}`);
    }
    return integration;
  }

  /** The currency whose integration key signed this message, or null if none did. */
  function signer(message: PaynowMessage, currency?: TCurrency): TCurrency | null {
    const candidates = currency ? integrations.filter(([c]) => c === currency) : integrations;
    return (
      candidates.find(([, integration]) => hasValidPaynowHash(message, integration.key))?.[0] ??
      null
    );
  }

  async function post(path: string, body: string, idempotent: boolean): Promise<PaynowMessage> {
    const response = await http.request({
      method: "POST",
      path,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      idempotent,
    });
    if (response.status >= 400) {
      throw new ProviderProtocolError(`Paynow answered HTTP ${response.status}`);
    }
    return decodePaynowMessage(response.text);
  }

  /** After an ambiguous express request: did Paynow create it? (Sending it again could debit twice.) */
  async function trace(integration: PaynowIntegration, merchantTrace: string) {
    const message = await post(
      "/interface/trace",
      encodePaynowMessage(
        [
          ["id", integration.id],
          ["merchanttrace", merchantTrace],
          ["status", "Message"],
        ],
        integration.key,
      ),
      true,
    );
    const pollUrl = paynowField(message, "pollurl");
    return hasValidPaynowHash(message, integration.key) && pollUrl ? pollUrl : null;
  }

  function statusMessage(message: PaynowMessage, pollUrl: string, currency: TCurrency) {
    const { status, failureReason } = paynowStatus(paynowField(message, "status") ?? "");
    const amount = fromMajorUnits(paynowField(message, "amount"));
    if (amount === null) {
      throw new ProviderProtocolError("Paynow status without a readable amount");
    }
    return {
      providerRef: pollUrl,
      merchantReference: paynowField(message, "reference") ?? "",
      status,
      failureReason,
      amount,
      currency,
      method: null,
      receipt: paynowField(message, "paynowreference")?.replaceAll(",", "") ?? null,
    } satisfies ProviderTransaction;
  }

  const provider: PaymentProvider = {
    name: "paynow",
    idempotentRefunds: true,

    offers(method, currency) {
      if (!config.integrations[currency]) {
        return null;
      }
      const mobile = method === "ecocash" || method === "onemoney";
      return { express: mobile && Boolean(config.authEmail) };
    },

    async initCheckout(input: CheckoutRequest): Promise<CheckoutPage> {
      const integration = integrationFor(input.currency);
      const express =
        (input.method === "ecocash" || input.method === "onemoney") && Boolean(input.phone);
      if (express && !config.authEmail) {
        throw new ProviderProtocolError("PAYNOW_AUTH_EMAIL is required for express checkout");
      }
      // ≤ 32 characters, unique per merchant: what `trace` finds the transaction by.
      const merchantTrace = input.merchantReference.replaceAll("-", "");
      const fields: Array<[string, string]> = [
        ["resulturl", input.webhookUrl],
        ["returnurl", input.returnUrl],
        ["reference", input.merchantReference],
        ["amount", toMajorUnits(input.amount)],
        ["id", integration.id],
        ["additionalinfo", input.description],
        ...(config.authEmail ? [["authemail", config.authEmail] as [string, string]] : []),
        ...(express
          ? [
              ["phone", toPaynowPhone(input.phone ?? "")] as [string, string],
              ["method", input.method ?? ""] as [string, string],
            ]
          : []),
        ["merchanttrace", merchantTrace],
        ["status", "Message"],
      ];
      const body = encodePaynowMessage(fields, integration.key);
      let message: PaynowMessage;
      try {
        message = express
          ? await post("/interface/remotetransaction", body, false)
          : await post("/interface/initiatetransaction", body, true);
      } catch (error) {
        if (!(express && error instanceof UpstreamUnavailableError && error.ambiguous)) {
          throw error;
        }
        // The prompt may be on the trader's handset already: find it rather than send another.
        const pollUrl = await trace(integration, merchantTrace).catch(() => null);
        if (!pollUrl) {
          throw error;
        }
        return { providerRef: pollUrl, checkoutUrl: null, instructions: null };
      }
      const status = (paynowField(message, "status") ?? "").toLowerCase();
      if (status === "error") {
        const detail = paynowField(message, "error") ?? "Paynow refused the transaction";
        throw new CheckoutRefusedError(
          /insufficient/i.test(detail) ? "insufficient_balance" : "provider_error",
          detail,
        );
      }
      if (status !== "ok" || !hasValidPaynowHash(message, integration.key)) {
        throw new ProviderProtocolError(`Paynow answer not trusted (status ${status || "none"})`);
      }
      const pollUrl = paynowField(message, "pollurl");
      if (!pollUrl) {
        throw new ProviderProtocolError("Paynow answer without a poll URL");
      }
      return {
        providerRef: pollUrl,
        checkoutUrl: express ? null : (paynowField(message, "browserurl") ?? null),
        instructions: express ? (paynowField(message, "instructions") ?? null) : null,
      };
    },

    async findByReference(merchantReference, currency) {
      return trace(integrationFor(currency), merchantReference.replaceAll("-", ""));
    },

    async verify(pollUrl, hint) {
      const message = await post(pollUrl, "", true);
      // Signed by the integration of another currency than expected: the mismatch is reported.
      const currency = signer(message, hint?.currency) ?? signer(message);
      if (!currency) {
        const status = paynowField(message, "status") ?? "";
        throw new ProviderProtocolError(`Paynow poll answer not trusted (status ${status})`);
      }
      return statusMessage(message, pollUrl, currency);
    },

    async refund() {
      throw new RefundUnsupportedError(
        "Paynow has no refund API: send it by hand (Paynow dashboard or mobile money)",
      );
    },

    parseWebhook(_headers, rawBody) {
      const message = decodePaynowMessage(rawBody);
      if (!signer(message)) {
        throw new AppError("webhook_signature_invalid");
      }
      const reference = paynowField(message, "reference");
      const pollUrl = paynowField(message, "pollurl");
      const status = paynowField(message, "status");
      if (!reference || !pollUrl || !status) {
        throw new AppError(
          "webhook_mismatch",
          "Status update without reference, poll URL or status",
        );
      }
      return {
        eventKey: `${reference}:${status.toLowerCase()}`,
        providerRef: pollUrl,
        merchantReference: reference,
        claimedStatus: paynowStatus(status).status,
        payload: Object.fromEntries(message.filter(([key]) => key !== "hash")),
      };
    },
  };
  return provider;
}
