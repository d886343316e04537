import { createHmac, timingSafeEqual } from "node:crypto";
import type { TCurrency, TPaymentMethod } from "@cs/contracts";
import { AppError } from "../../../platform/errors.ts";
import type { HttpClient } from "../../../platform/http-client.ts";
import { fromMajorUnits, toMajorUnits } from "./amounts.ts";
import {
  CheckoutRefusedError,
  headerValue,
  ProviderProtocolError,
  TransferRefusedError,
} from "./errors.ts";
import type { PaymentProvider, ProviderTransaction } from "./types.ts";

export interface FlutterwaveConfig {
  baseUrl: string;
  secretKey: string;
  /** The dashboard's "secret hash", echoed in each webhook's `verif-hash` header. */
  webhookHash: string;
  /** Flutterwave requires a customer email; most traders have none. */
  customerEmail: string;
}

type Envelope<T> = { status?: string; message?: string; data?: T | null };

type FlwTransaction = {
  id: number | string;
  tx_ref: string;
  flw_ref?: string;
  amount: number;
  currency: string;
  status: string;
  payment_type?: string;
};

export interface TransferRequest {
  /** Our unique reference for the payout. */
  reference: string;
  amount: number;
  currency: TCurrency;
  /** Bank code, or `MPS` for mobile money. */
  accountBank: string;
  accountNumber: string;
  beneficiaryName: string;
  narration: string;
  callbackUrl?: string;
}

export interface Transfer {
  id: string;
  reference: string;
  status: "NEW" | "PENDING" | "SUCCESSFUL" | "FAILED" | string;
  amount: number | null;
  currency: string;
  completeMessage: string;
}

/** The HMAC newer Flutterwave accounts send in `flutterwave-signature` (base64 HMAC-SHA256). */
export function flutterwaveSignature(secretHash: string, rawBody: string): string {
  return createHmac("sha256", secretHash).update(rawBody, "utf8").digest("base64");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function statusOf(status: string): Pick<ProviderTransaction, "status" | "failureReason"> {
  switch (status.toLowerCase()) {
    case "successful":
      return { status: "paid", failureReason: null };
    case "failed":
      return { status: "declined", failureReason: "declined" };
    case "cancelled":
      return { status: "declined", failureReason: "cancelled" };
    default:
      return { status: "pending", failureReason: null };
  }
}

function presentTransfer(data: Record<string, unknown>): Transfer {
  return {
    id: String(data.id),
    reference: String(data.reference ?? ""),
    status: String(data.status ?? ""),
    amount: fromMajorUnits(data.amount as number | undefined),
    currency: String(data.currency ?? ""),
    completeMessage: String(data.complete_message ?? ""),
  };
}

/**
 * Flutterwave v3 (cards): hosted checkout, verification by transaction id or by our reference,
 * refunds, and transfers for supplier payouts. Our `providerRef` is the `tx_ref` we chose (the
 * payment id): Flutterwave has no transaction until the trader attempts to pay. Its refund API
 * takes no idempotency key, so an interrupted refund is not sent again automatically.
 */
export function createFlutterwaveProvider(config: FlutterwaveConfig, http: HttpClient) {
  async function call<T>(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    idempotent: boolean,
  ): Promise<{ httpStatus: number; envelope: Envelope<T> }> {
    const response = await http.request({
      method,
      path,
      headers: {
        authorization: `Bearer ${config.secretKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      idempotent,
    });
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(response.text) as Envelope<T>;
    } catch {
      throw new ProviderProtocolError(`Flutterwave answered HTTP ${response.status} without JSON`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ProviderProtocolError(`Flutterwave refused our key: ${envelope.message ?? ""}`);
    }
    return { httpStatus: response.status, envelope };
  }

  function transaction(data: FlwTransaction): ProviderTransaction {
    const amount = fromMajorUnits(data.amount);
    if (amount === null) {
      throw new ProviderProtocolError("Flutterwave transaction without a readable amount");
    }
    const method: TPaymentMethod | null = data.payment_type === "card" ? "card" : null;
    return {
      providerRef: data.tx_ref,
      merchantReference: data.tx_ref,
      ...statusOf(data.status),
      amount,
      currency: data.currency as TCurrency,
      method,
      receipt: String(data.id),
      found: true,
    };
  }

  async function findByReference(txRef: string): Promise<FlwTransaction | null> {
    const { envelope } = await call<FlwTransaction>(
      "GET",
      `/v3/transactions/verify_by_reference?tx_ref=${encodeURIComponent(txRef)}`,
      undefined,
      true,
    );
    if (envelope.status === "success" && envelope.data) {
      return envelope.data;
    }
    if (/no transaction/i.test(envelope.message ?? "")) {
      return null;
    }
    throw new ProviderProtocolError(`Flutterwave verify failed: ${envelope.message ?? ""}`);
  }

  const provider = {
    name: "flutterwave",
    idempotentRefunds: false,

    // Cards in US dollars only: Flutterwave has no Zimbabwe mobile money and no ZiG
    // (providers.md 2.7), so a ZiG group or a wallet routed here is not offered.
    offers(method: TPaymentMethod, currency: TCurrency) {
      return method === "card" && currency === "USD" ? { express: false } : null;
    },

    async initCheckout(input) {
      const { envelope } = await call<{ link: string }>(
        "POST",
        "/v3/payments",
        {
          tx_ref: input.merchantReference,
          // Major units as a JSON number; built from the exact decimal text.
          amount: Number(toMajorUnits(input.amount)),
          currency: input.currency,
          redirect_url: input.returnUrl,
          payment_options: "card",
          customer: {
            email: config.customerEmail,
            ...(input.phone ? { phonenumber: input.phone } : {}),
          },
          customizations: { title: "ConnectSphere", description: input.description },
          meta: { payment_id: input.merchantReference },
        },
        // Opening a link moves no money: asking again is harmless.
        true,
      );
      if (envelope.status !== "success" || !envelope.data?.link) {
        throw new CheckoutRefusedError(
          "provider_error",
          envelope.message ?? "Flutterwave did not open a checkout",
        );
      }
      return { providerRef: input.merchantReference, checkoutUrl: envelope.data.link };
    },

    /** Our reference is the tx_ref: nothing to look up. */
    async findByReference(merchantReference: string) {
      return merchantReference;
    },

    async verify(txRef, hint) {
      if (hint?.transactionId) {
        const { envelope } = await call<FlwTransaction>(
          "GET",
          `/v3/transactions/${encodeURIComponent(hint.transactionId)}/verify`,
          undefined,
          true,
        );
        if (envelope.status !== "success" || !envelope.data) {
          throw new AppError("unknown_reference", envelope.message ?? "No such transaction");
        }
        if (envelope.data.tx_ref !== txRef) {
          throw new AppError("webhook_mismatch", "The transaction belongs to another payment");
        }
        return transaction(envelope.data);
      }
      const data = await findByReference(txRef);
      return data
        ? transaction(data)
        : {
            // Nothing attempted yet: pending, and nothing to compare.
            providerRef: txRef,
            merchantReference: txRef,
            status: "pending",
            amount: 0,
            currency: hint?.currency ?? "USD",
            method: null,
            found: false,
          };
    },

    async refund({ providerRef, amount, idempotencyKey }) {
      const paid = await findByReference(providerRef);
      if (!paid || statusOf(paid.status).status !== "paid") {
        throw new ProviderProtocolError("Flutterwave has no successful transaction to refund");
      }
      const { envelope } = await call<{ id: number | string; status?: string }>(
        "POST",
        `/v3/transactions/${encodeURIComponent(String(paid.id))}/refund`,
        {
          amount: Number(toMajorUnits(amount)),
          comments: `ConnectSphere refund ${idempotencyKey}`,
        },
        false,
      );
      if (envelope.status !== "success" || !envelope.data) {
        throw new Error(`Flutterwave refund refused: ${envelope.message ?? "no reason given"}`);
      }
      return { refundRef: String(envelope.data.id) };
    },

    parseWebhook(headers, rawBody) {
      const given = headerValue(headers, "verif-hash");
      const signature = headerValue(headers, "flutterwave-signature");
      const valid =
        (given !== undefined && same(given, config.webhookHash)) ||
        (signature !== undefined &&
          same(signature, flutterwaveSignature(config.webhookHash, rawBody)));
      if (!valid) {
        throw new AppError("webhook_signature_invalid");
      }
      let event: { event?: string; "event.type"?: string; data?: Record<string, unknown> };
      try {
        event = JSON.parse(rawBody) as typeof event;
      } catch {
        throw new AppError("webhook_mismatch", "Webhook body is not JSON");
      }
      const data = event.data ?? {};
      const status = String(data.status ?? "");
      if (event.event?.startsWith("transfer") || event["event.type"] === "Transfer") {
        if (data.id === undefined || typeof data.reference !== "string") {
          throw new AppError("webhook_mismatch", "Transfer webhook without id or reference");
        }
        return {
          eventKey: `transfer:${String(data.id)}:${status}`,
          providerRef: data.reference,
          merchantReference: data.reference,
          transactionId: String(data.id),
          claimedStatus: "pending",
          payload: event,
          transfer: true,
        };
      }
      if (typeof data.tx_ref !== "string" || data.id === undefined) {
        throw new AppError("webhook_mismatch", "Webhook without tx_ref or transaction id");
      }
      return {
        eventKey: `${String(data.id)}:${status.toLowerCase()}`,
        providerRef: data.tx_ref,
        merchantReference: data.tx_ref,
        transactionId: String(data.id),
        claimedStatus: statusOf(status).status,
        payload: event,
      };
    },

    /** A payout (supplier): queued at Flutterwave; follow it with `getTransfer` or its webhook. */
    async transfer(input: TransferRequest): Promise<Transfer> {
      const { envelope } = await call<Record<string, unknown>>(
        "POST",
        "/v3/transfers",
        {
          account_bank: input.accountBank,
          account_number: input.accountNumber,
          amount: Number(toMajorUnits(input.amount)),
          currency: input.currency,
          debit_currency: input.currency,
          narration: input.narration,
          reference: input.reference,
          beneficiary_name: input.beneficiaryName,
          ...(input.callbackUrl ? { callback_url: input.callbackUrl } : {}),
        },
        false,
      );
      if (envelope.status !== "success" || !envelope.data) {
        throw new TransferRefusedError(
          `Flutterwave refused the transfer: ${envelope.message ?? "no reason given"}`,
        );
      }
      return presentTransfer(envelope.data);
    },

    async getTransfer(id: string): Promise<Transfer> {
      const { envelope } = await call<Record<string, unknown>>(
        "GET",
        `/v3/transfers/${encodeURIComponent(id)}`,
        undefined,
        true,
      );
      if (envelope.status !== "success" || !envelope.data) {
        throw new AppError("unknown_reference", envelope.message ?? "No such transfer");
      }
      return presentTransfer(envelope.data);
    },
  } satisfies PaymentProvider & Record<string, unknown>;
  return provider;
}
export type FlutterwaveProvider = ReturnType<typeof createFlutterwaveProvider>;
