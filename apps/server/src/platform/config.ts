import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { buildChannelConfig, ZChannelEnv } from "./channel-config.ts";
import { buildPaymentConfig, ZPaymentEnv } from "./payment-config.ts";

const ZList = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

const ZSecret = z.string().min(32, "must be at least 32 characters");

/**
 * The pickup keyring: `id:key,id:key,…`, each key 32 bytes in base64url. The first signs new
 * credentials; the others still verify the credentials issued under them (rotation).
 */
const ZKeyring = z.string().transform((value, context) => {
  const keys = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [id = "", secret = ""] = item.split(":");
      return { id, key: Buffer.from(secret, "base64url") };
    });
  const bad = keys.find((k) => !/^[A-Za-z0-9_-]{1,16}$/.test(k.id) || k.key.length !== 32);
  if (keys.length === 0 || bad) {
    context.addIssue({
      code: "custom",
      message: "must be id:key pairs, comma-separated, each key 32 bytes in base64url",
    });
    return z.NEVER;
  }
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    context.addIssue({ code: "custom", message: "key ids must be unique" });
    return z.NEVER;
  }
  return keys;
});
export type PickupKey = { id: string; key: Buffer };

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ROLE: z.enum(["all", "api", "worker"]).default("all"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  WORKER_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  /** How many outbox events one worker handles at a time (each may hold a connection). */
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  REDIS_PREFIX: z.string().min(1).max(40).default("cs:"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PUBLIC_URL: z.url().optional(),
  CORS_ORIGINS: ZList.default([]),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  JWT_SECRET: ZSecret.optional(),
  OTP_SECRET: ZSecret.optional(),
  SANDBOX_WEBHOOK_SECRET: ZSecret.optional(),
  PICKUP_KEYS: z.string().optional(),
  PICKUP_CODE_SECRET: ZSecret.optional(),
  /** Hours a supplier has to accept or reject a funded group's order. */
  ORDER_RESPONSE_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  /** Days traders have to collect once their goods are checked in at the pickup point. */
  PICKUP_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** VAT rate shown on invoices, in basis points (1550 = 15.5%); prices include it. */
  VAT_RATE_BPS: z.coerce.number().int().min(0).max(5000).default(1550),
  /** Platform commission on a successful group, in basis points (1000 = 10%). */
  COMMISSION_BPS: z.coerce.number().int().min(0).max(5000).default(1000),
  SEARCH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(50),
  /** Chat messages a user may send in a burst (10 s), and per minute. */
  CHAT_BURST: z.coerce.number().int().min(1).max(1000).default(5),
  CHAT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  RESERVATION_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  SEED_ON_EMPTY: z.enum(["true", "false"]).default("true"),
  SEED: z.coerce.number().int().default(42),
  WEB_DIST: z.string().optional(),
  DEV_ROUTES: z.enum(["true", "false"]).optional(),
  ...ZPaymentEnv,
  ...ZChannelEnv,
});

export type Config = ReturnType<typeof buildConfig>;

export class ConfigError extends Error {}

/**
 * Reads and validates the environment. A bad variable is named in the error; in production the
 * token secrets are required, in development they are generated once and kept in DATA_DIR.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // An empty variable (`DATABASE_URL=`) means unset, as in most shells' and tools' convention.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return buildConfig(parsed.data);
}

function buildConfig(env: z.infer<typeof ZEnv>) {
  const production = env.NODE_ENV === "production";
  const dataDir = path.resolve(env.DATA_DIR);
  if (production) {
    const missing = SECRET_NAMES.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((n) => `  ${n}: required in production`).join("\n")}`,
      );
    }
  }
  const payments = buildPaymentConfig(env, production);
  const channels = buildChannelConfig(env);
  const problems = [...payments.problems, ...channels.problems];
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  const given = {
    jwtSecret: env.JWT_SECRET,
    otpSecret: env.OTP_SECRET,
    sandboxSecret: env.SANDBOX_WEBHOOK_SECRET,
    pickupKeys: env.PICKUP_KEYS,
    pickupCodeSecret: env.PICKUP_CODE_SECRET,
  };
  const secrets = production ? (given as Secrets) : developmentSecrets(dataDir, given);
  const keyring = ZKeyring.safeParse(secrets.pickupKeys);
  if (!keyring.success) {
    throw new ConfigError(
      `Invalid configuration:\n  PICKUP_KEYS: ${keyring.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  return {
    env: env.NODE_ENV,
    production,
    role: env.ROLE,
    host: env.HOST,
    port: env.PORT,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    workerDatabasePoolSize: env.WORKER_DATABASE_POOL_SIZE,
    outboxConcurrency: env.OUTBOX_CONCURRENCY,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    logLevel: env.LOG_LEVEL,
    publicUrl: env.PUBLIC_URL,
    corsOrigins: env.CORS_ORIGINS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    seedOnEmpty: env.SEED_ON_EMPTY === "true",
    seed: env.SEED,
    webDist: env.WEB_DIST,
    devRoutes: env.DEV_ROUTES ? env.DEV_ROUTES === "true" : !production,
    commissionBps: env.COMMISSION_BPS,
    reservationHoldMinutes: env.RESERVATION_HOLD_MINUTES,
    outboxPollMs: env.OUTBOX_POLL_MS,
    chatBurst: env.CHAT_BURST,
    chatPerMinute: env.CHAT_PER_MINUTE,
    searchCacheMs: env.SEARCH_CACHE_MS,
    orderResponseHours: env.ORDER_RESPONSE_HOURS,
    pickupWindowDays: env.PICKUP_WINDOW_DAYS,
    vatRateBps: env.VAT_RATE_BPS,
    jwtSecret: secrets.jwtSecret,
    otpSecret: secrets.otpSecret,
    sandboxSecret: secrets.sandboxSecret,
    pickupCodeSecret: secrets.pickupCodeSecret,
    pickupKeys: keyring.data as PickupKey[],
    payments: payments.config,
    channels: channels.config,
  };
}

const SECRET_NAMES = [
  "JWT_SECRET",
  "OTP_SECRET",
  "SANDBOX_WEBHOOK_SECRET",
  "PICKUP_KEYS",
  "PICKUP_CODE_SECRET",
] as const;
type Secrets = {
  jwtSecret: string;
  otpSecret: string;
  sandboxSecret: string;
  pickupKeys: string;
  pickupCodeSecret: string;
};

/** A fresh keyring of one key, named by the day it was made (development only). */
function newKeyring(): string {
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
  return `${id}:${randomBytes(32).toString("base64url")}`;
}

/** Secrets given in the environment win; the others are generated once and kept in DATA_DIR. */
function developmentSecrets(
  dataDir: string,
  given: Partial<Record<keyof Secrets, string | undefined>>,
): Secrets {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<Secrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets>)
    : {};
  const keys = [
    "jwtSecret",
    "otpSecret",
    "sandboxSecret",
    "pickupKeys",
    "pickupCodeSecret",
  ] as const;
  const next = Object.fromEntries(
    keys.map((key) => [
      key,
      stored[key] ?? (key === "pickupKeys" ? newKeyring() : randomBytes(32).toString("base64url")),
    ]),
  ) as Secrets;
  if (keys.some((key) => stored[key] !== next[key])) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  return Object.fromEntries(keys.map((key) => [key, given[key] ?? next[key]])) as Secrets;
}
