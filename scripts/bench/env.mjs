// What every benchmark server runs with: production settings with fixed secrets, on a bench
// database, with limits out of the way.

export const SECRETS = {
  JWT_SECRET: `bench-jwt-${"j".repeat(32)}`,
  OTP_SECRET: `bench-otp-${"o".repeat(32)}`,
  SANDBOX_WEBHOOK_SECRET: `bench-sandbox-${"s".repeat(32)}`,
  PICKUP_KEYS: `bench:${Buffer.alloc(32, 7).toString("base64url")}`,
  PICKUP_CODE_SECRET: `bench-pickup-${"p".repeat(32)}`,
};

/** The environment of a benchmark server (ROLE=all, production) on `databaseUrl`. */
export function benchServerEnv({ dataDir, databaseUrl }) {
  return {
    ...SECRETS,
    NODE_ENV: "production",
    ROLE: "all",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: "",
    PUBLIC_URL: "",
    RATE_LIMIT_PER_MINUTE: "1000000000",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000000000",
    SEED_ON_EMPTY: "false",
    CHAT_BURST: "1000",
    CHAT_PER_MINUTE: "10000",
  };
}
