import { z } from "zod";

/** Providers the app can talk to; `sandbox` is embedded and always there. */
export const PROVIDER_NAMES = ["sandbox", "paynow", "flutterwave"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** What a route is chosen by: the method the trader picked, or `default` when they did not. */
export const ROUTE_KEYS = ["ecocash", "onemoney", "card", "default"] as const;
export type RouteKey = (typeof ROUTE_KEYS)[number];
export type PaymentRoutes = Record<RouteKey, ProviderName>;

const ZOptionalText = z.string().trim().min(1).optional();

/** The payment variables of the environment (merged into the app's one schema). */
export const ZPaymentEnv = {
  /** e.g. `ecocash:paynow,onemoney:paynow,card:flutterwave,default:paynow`; unset: all sandbox. */
  PAYMENT_ROUTES: z.string().optional(),
  /** Where providers send status updates; default PUBLIC_URL, else this server's own address. */
  PAYMENT_CALLBACK_BASE_URL: z.url().optional(),
  /** Start local fake Paynow and Flutterwave servers and use them (development only). */
  PAYMENT_FAKES: z.enum(["true", "false"]).default("false"),
  /** A pending payment the provider still calls pending after this long has timed out. */
  PAYMENT_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** "Check again" presses per trader per minute (each one asks the provider). */
  PAYMENT_CHECK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(6),
  /** Flutterwave requires a customer email; traders rarely have one. */
  PAYMENT_CUSTOMER_EMAIL: z.email().default("traders@connectsphere.app"),
  PAYNOW_BASE_URL: z.url().default("https://www.paynow.co.zw"),
  PAYNOW_AUTH_EMAIL: z.email().optional(),
  PAYNOW_INTEGRATION_ID_USD: ZOptionalText,
  PAYNOW_INTEGRATION_KEY_USD: ZOptionalText,
  PAYNOW_INTEGRATION_ID_ZWG: ZOptionalText,
  PAYNOW_INTEGRATION_KEY_ZWG: ZOptionalText,
  FLUTTERWAVE_BASE_URL: z.url().default("https://api.flutterwave.com"),
  FLUTTERWAVE_SECRET_KEY: ZOptionalText,
  /** The "secret hash" set in Flutterwave's dashboard, sent back in `verif-hash`. */
  FLUTTERWAVE_WEBHOOK_HASH: ZOptionalText,
  /**
   * Appended to each payout's reference: Flutterwave's test mode finishes a transfer only when
   * its reference ends in `_PMCK` (success) or `_PMCK_ST_F` (failure), optionally `DU_<minutes>`.
   */
  FLUTTERWAVE_TRANSFER_REF_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]{0,24}$/)
    .default(""),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PROVIDER_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  PROVIDER_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(300),
  PROVIDER_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  PROVIDER_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
};
const ZPaymentEnvObject = z.object(ZPaymentEnv);
type PaymentEnv = z.infer<typeof ZPaymentEnvObject>;

export interface PaymentConfig {
  routes: PaymentRoutes;
  callbackBaseUrl: string | undefined;
  fakes: boolean;
  timeoutMinutes: number;
  checkRateLimitPerMinute: number;
  customerEmail: string;
  paynow: {
    baseUrl: string;
    authEmail: string | undefined;
    integrations: Partial<Record<"USD" | "ZWG", { id: string; key: string }>>;
  } | null;
  flutterwave: {
    baseUrl: string;
    secretKey: string;
    webhookHash: string;
    transferRefSuffix: string;
  } | null;
  http: {
    timeoutMs: number;
    retries: number;
    backoffMs: number;
    breakerThreshold: number;
    breakerCooldownMs: number;
  };
}

/** Parses `method:provider,...`; the problems found are returned, named. */
export function parseRoutes(text: string | undefined): {
  routes: PaymentRoutes;
  problems: string[];
} {
  const routes: PaymentRoutes = {
    ecocash: "sandbox",
    onemoney: "sandbox",
    card: "sandbox",
    default: "sandbox",
  };
  const problems: string[] = [];
  for (const part of (text ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, provider] = part.split(":").map((p) => p.trim());
    if (!ROUTE_KEYS.includes(key as RouteKey)) {
      problems.push(`PAYMENT_ROUTES: unknown method "${key}" (one of ${ROUTE_KEYS.join(", ")})`);
    } else if (!PROVIDER_NAMES.includes(provider as ProviderName)) {
      problems.push(
        `PAYMENT_ROUTES: unknown provider "${provider}" (one of ${PROVIDER_NAMES.join(", ")})`,
      );
    } else {
      routes[key as RouteKey] = provider as ProviderName;
    }
  }
  return { routes, problems };
}

function paynowIntegrations(env: PaymentEnv, problems: string[]) {
  const integrations: NonNullable<PaymentConfig["paynow"]>["integrations"] = {};
  for (const currency of ["USD", "ZWG"] as const) {
    const id = env[`PAYNOW_INTEGRATION_ID_${currency}`];
    const key = env[`PAYNOW_INTEGRATION_KEY_${currency}`];
    if (Boolean(id) !== Boolean(key)) {
      problems.push(
        `PAYNOW_INTEGRATION_ID_${currency} and PAYNOW_INTEGRATION_KEY_${currency} go together`,
      );
    } else if (id && key) {
      integrations[currency] = { id, key: key.toLowerCase() };
    }
  }
  return integrations;
}

/**
 * The payment part of the configuration. A route to a provider whose credentials are missing,
 * half an integration, or a mobile-money route to Flutterwave (no Zimbabwe mobile money there)
 * is refused with the variable named.
 */
export function buildPaymentConfig(
  env: PaymentEnv,
  production: boolean,
): { config: PaymentConfig; problems: string[] } {
  const { routes, problems } = parseRoutes(env.PAYMENT_ROUTES);
  const integrations = paynowIntegrations(env, problems);
  const paynow =
    Object.keys(integrations).length > 0
      ? { baseUrl: env.PAYNOW_BASE_URL, authEmail: env.PAYNOW_AUTH_EMAIL, integrations }
      : null;
  const flutterwave =
    env.FLUTTERWAVE_SECRET_KEY && env.FLUTTERWAVE_WEBHOOK_HASH
      ? {
          baseUrl: env.FLUTTERWAVE_BASE_URL,
          secretKey: env.FLUTTERWAVE_SECRET_KEY,
          webhookHash: env.FLUTTERWAVE_WEBHOOK_HASH,
          transferRefSuffix: env.FLUTTERWAVE_TRANSFER_REF_SUFFIX,
        }
      : null;
  const fakes = env.PAYMENT_FAKES === "true";
  if (fakes && production) {
    problems.push("PAYMENT_FAKES: not in production");
  }
  // With the fakes, credentials are made up at start; otherwise they must be given.
  if (!fakes) {
    const used = new Set(Object.values(routes));
    if (used.has("paynow") && !paynow) {
      problems.push("PAYMENT_ROUTES names paynow: set PAYNOW_INTEGRATION_ID_<USD|ZWG> and _KEY_");
    }
    if (used.has("flutterwave") && !flutterwave) {
      problems.push(
        "PAYMENT_ROUTES names flutterwave: set FLUTTERWAVE_SECRET_KEY and FLUTTERWAVE_WEBHOOK_HASH",
      );
    }
    if ((routes.ecocash === "paynow" || routes.onemoney === "paynow") && !env.PAYNOW_AUTH_EMAIL) {
      problems.push("PAYNOW_AUTH_EMAIL: required for EcoCash/OneMoney express checkout");
    }
  }
  if (routes.ecocash === "flutterwave" || routes.onemoney === "flutterwave") {
    problems.push("PAYMENT_ROUTES: Flutterwave has no Zimbabwe mobile money; route it to paynow");
  }
  return {
    problems,
    config: {
      routes,
      callbackBaseUrl: env.PAYMENT_CALLBACK_BASE_URL,
      fakes,
      timeoutMinutes: env.PAYMENT_TIMEOUT_MINUTES,
      checkRateLimitPerMinute: env.PAYMENT_CHECK_RATE_LIMIT_PER_MINUTE,
      customerEmail: env.PAYMENT_CUSTOMER_EMAIL,
      paynow,
      flutterwave,
      http: {
        timeoutMs: env.PROVIDER_TIMEOUT_MS,
        retries: env.PROVIDER_RETRIES,
        backoffMs: env.PROVIDER_BACKOFF_MS,
        breakerThreshold: env.PROVIDER_BREAKER_THRESHOLD,
        breakerCooldownMs: env.PROVIDER_BREAKER_COOLDOWN_MS,
      },
    },
  };
}
