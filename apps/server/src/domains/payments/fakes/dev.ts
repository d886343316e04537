import type { PaymentConfig } from "../../../platform/payment-config.ts";
import { startFlutterwaveFake } from "./flutterwave-fake.ts";
import { startPaynowFake } from "./paynow-fake.ts";

/** Made-up credentials the local fakes accept (they guard nothing: no real money is reachable). */
export const DEV_FAKE_CREDENTIALS = {
  paynow: {
    USD: { id: "10001", key: "00000000-fake-4usd-8key-000000000001" },
    ZWG: { id: "10002", key: "00000000-fake-4zwg-8key-000000000002" },
    authEmail: "merchant@connectsphere.test",
  },
  flutterwave: { secretKey: "FLWSECK_TEST-local-fake", webhookHash: "local-fake-webhook-hash" },
} as const;

/** The fake's test-mode suffix: payouts succeed a minute after they are sent. */
const DEV_TRANSFER_REF_SUFFIX = "_PMCKDU_1";

/**
 * Starts fake Paynow and Flutterwave servers for a developer trying payment flows by hand.
 * `timeScale` 1 keeps Paynow's test-number delays real (5 s, 30 s).
 */
export async function startDevFakes(options: {
  host?: string;
  paynowPort?: number;
  flutterwavePort?: number;
  timeScale?: number;
  flutterwaveWebhookUrl?: string;
}) {
  const { paynow: pn, flutterwave: fw } = DEV_FAKE_CREDENTIALS;
  const paynow = await startPaynowFake({
    integrations: [pn.USD, pn.ZWG],
    host: options.host,
    port: options.paynowPort,
    timeScale: options.timeScale ?? 1,
  });
  const flutterwave = await startFlutterwaveFake({
    ...fw,
    host: options.host,
    port: options.flutterwavePort,
    timeScale: options.timeScale ?? 1,
    webhookUrl: options.flutterwaveWebhookUrl,
  });
  return {
    paynow,
    flutterwave,
    /** The environment that points the app at these fakes. */
    env: {
      PAYMENT_ROUTES: "ecocash:paynow,onemoney:paynow,card:flutterwave,default:paynow",
      PAYNOW_BASE_URL: paynow.url,
      PAYNOW_AUTH_EMAIL: pn.authEmail,
      PAYNOW_INTEGRATION_ID_USD: pn.USD.id,
      PAYNOW_INTEGRATION_KEY_USD: pn.USD.key,
      PAYNOW_INTEGRATION_ID_ZWG: pn.ZWG.id,
      PAYNOW_INTEGRATION_KEY_ZWG: pn.ZWG.key,
      FLUTTERWAVE_BASE_URL: flutterwave.url,
      FLUTTERWAVE_SECRET_KEY: fw.secretKey,
      FLUTTERWAVE_WEBHOOK_HASH: fw.webhookHash,
      FLUTTERWAVE_TRANSFER_REF_SUFFIX: DEV_TRANSFER_REF_SUFFIX,
    },
    async close() {
      await paynow.close();
      await flutterwave.close();
    },
  };
}

/**
 * PAYMENT_FAKES=true in development: the app's own fakes, started beside it. Methods still on
 * the sandbox (no PAYMENT_ROUTES given) go to the fakes; credentials are the fakes'.
 */
export async function withDevFakes(payments: PaymentConfig) {
  const fakes = await startDevFakes({});
  const { paynow: pn, flutterwave: fw } = DEV_FAKE_CREDENTIALS;
  const untouched = Object.values(payments.routes).every((p) => p === "sandbox");
  const config: PaymentConfig = {
    ...payments,
    routes: untouched
      ? { ecocash: "paynow", onemoney: "paynow", card: "flutterwave", default: "paynow" }
      : payments.routes,
    paynow: {
      baseUrl: fakes.paynow.url,
      authEmail: pn.authEmail,
      integrations: { USD: pn.USD, ZWG: pn.ZWG },
    },
    flutterwave: {
      baseUrl: fakes.flutterwave.url,
      ...fw,
      transferRefSuffix: payments.flutterwave?.transferRefSuffix || DEV_TRANSFER_REF_SUFFIX,
    },
  };
  return {
    config,
    /** Once the app listens: where the fake Flutterwave sends its webhooks. */
    listening(internalUrl: string) {
      fakes.flutterwave.setWebhookUrl(`${internalUrl}/api/v1/payments/webhooks/flutterwave`);
    },
    urls: { paynow: fakes.paynow.url, flutterwave: fakes.flutterwave.url },
    close: fakes.close,
  };
}
