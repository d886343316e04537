import type { TCheckoutMethod } from "@cs/contracts";
import type { Database } from "@cs/db";
import { createHttpClient } from "../../../platform/http-client.ts";
import type { PaymentConfig, RouteKey } from "../../../platform/payment-config.ts";
import { createFlutterwaveProvider, type FlutterwaveProvider } from "./flutterwave.ts";
import { createPaynowProvider } from "./paynow.ts";
import { createSandboxProvider, type SandboxProvider } from "./sandbox.ts";
import type { PaymentProvider } from "./types.ts";

export interface PaymentProviders {
  /** Every configured provider by name; payments remember which one they went through. */
  providers: Record<string, PaymentProvider>;
  /** Which provider each method goes through (`default`: no method chosen yet). */
  routes: Record<RouteKey, string>;
  /** The provider new checkouts use when no method is chosen. */
  checkoutProvider: string;
  sandbox: SandboxProvider;
  /** For payouts (transfers), when Flutterwave is configured. */
  flutterwave: FlutterwaveProvider | null;
}

/** Builds the configured providers, each with its own HTTP client (and so its own breaker). */
export function createPaymentProviders(
  config: PaymentConfig,
  deps: { db: Database; sandboxSecret: string },
): PaymentProviders {
  const sandbox = createSandboxProvider({ db: deps.db, secret: deps.sandboxSecret });
  const client = (name: string, baseUrl: string) =>
    createHttpClient({
      name,
      baseUrl,
      timeoutMs: config.http.timeoutMs,
      retries: config.http.retries,
      backoffMs: config.http.backoffMs,
      breaker: {
        threshold: config.http.breakerThreshold,
        cooldownMs: config.http.breakerCooldownMs,
      },
    });
  const providers: Record<string, PaymentProvider> = { sandbox };
  if (config.paynow) {
    providers.paynow = createPaynowProvider(config.paynow, client("paynow", config.paynow.baseUrl));
  }
  const flutterwave = config.flutterwave
    ? createFlutterwaveProvider(
        { ...config.flutterwave, customerEmail: config.customerEmail },
        client("flutterwave", config.flutterwave.baseUrl),
      )
    : null;
  if (flutterwave) {
    providers.flutterwave = flutterwave;
  }
  return {
    providers,
    routes: config.routes,
    checkoutProvider: config.routes.default,
    sandbox,
    flutterwave,
  };
}

/** The provider a payment by this method goes through. */
export function providerFor(
  payments: Pick<PaymentProviders, "routes">,
  method: TCheckoutMethod | null | undefined,
): string {
  return method && method !== "cash" ? payments.routes[method] : payments.routes.default;
}
