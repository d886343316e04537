import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

const fresh = () => mkdtempSync(path.join(tmpdir(), "cs-config-"));

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const dir = fresh();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      role: "all",
      dataDir: dir,
      databaseUrl: undefined,
      production: false,
    });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATA_DIR: fresh(), DATABASE_URL: "", PORT: "" })).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
    });
  });

  it("names the bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty", DATA_DIR: fresh() })).toThrow(/PORT/);
    expect(() => loadConfig({ ROLE: "everything", DATA_DIR: fresh() })).toThrow(/ROLE/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x", DATA_DIR: fresh() })).toThrow(
      /DATABASE_URL/,
    );
    expect(() => loadConfig({ REDIS_URL: "localhost", DATA_DIR: fresh() })).toThrow(/REDIS_URL/);
  });

  it("generates development secrets once and keeps them in DATA_DIR", () => {
    const dir = fresh();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(JSON.parse(readFileSync(path.join(dir, "secrets.json"), "utf8")).jwtSecret).toBe(
      first.jwtSecret,
    );
  });

  it("requires the secrets in production and never writes them to disk there", () => {
    const dir = fresh();
    expect(() => loadConfig({ NODE_ENV: "production", DATA_DIR: dir })).toThrow(
      /JWT_SECRET: required in production/,
    );
    const secret = "x".repeat(40);
    const config = loadConfig({
      NODE_ENV: "production",
      DATA_DIR: dir,
      JWT_SECRET: secret,
      OTP_SECRET: secret,
      SANDBOX_WEBHOOK_SECRET: secret,
      PICKUP_KEYS: `k1:${"a".repeat(43)}`,
      PICKUP_CODE_SECRET: secret,
    });
    expect(config.jwtSecret).toBe(secret);
    expect(config.devRoutes).toBe(false);
    expect(existsSync(path.join(dir, "secrets.json"))).toBe(false);
  });
});

describe("pickup keys", () => {
  it("are generated in development and kept across starts", () => {
    const dir = fresh();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.pickupKeys).toHaveLength(1);
    expect(first.pickupKeys[0]?.key.length).toBe(32);
    expect(loadConfig({ DATA_DIR: dir }).pickupKeys[0]?.key).toEqual(first.pickupKeys[0]?.key);
  });

  it("are a keyring: the first signs, and a malformed ring names the variable", () => {
    const ring = `new:${"b".repeat(43)},old:${"a".repeat(43)}`;
    const config = loadConfig({ DATA_DIR: fresh(), PICKUP_KEYS: ring });
    expect(config.pickupKeys.map((k) => k.id)).toEqual(["new", "old"]);
    expect(() => loadConfig({ DATA_DIR: fresh(), PICKUP_KEYS: "k1:short" })).toThrow(/PICKUP_KEYS/);
    expect(() =>
      loadConfig({ DATA_DIR: fresh(), PICKUP_KEYS: `a:${"a".repeat(43)},a:${"b".repeat(43)}` }),
    ).toThrow(/PICKUP_KEYS/);
  });

  it("are required in production", () => {
    const secret = "x".repeat(40);
    expect(() =>
      loadConfig({
        NODE_ENV: "production",
        DATA_DIR: fresh(),
        JWT_SECRET: secret,
        OTP_SECRET: secret,
        SANDBOX_WEBHOOK_SECRET: secret,
      }),
    ).toThrow(/PICKUP_KEYS: required in production/);
  });

  it("check the fulfilment settings", () => {
    expect(loadConfig({ DATA_DIR: fresh() })).toMatchObject({
      orderResponseHours: 48,
      pickupWindowDays: 7,
      vatRateBps: 1550,
    });
    expect(() => loadConfig({ DATA_DIR: fresh(), ORDER_RESPONSE_HOURS: "0" })).toThrow(
      /ORDER_RESPONSE_HOURS/,
    );
    expect(() => loadConfig({ DATA_DIR: fresh(), VAT_RATE_BPS: "15.5" })).toThrow(/VAT_RATE_BPS/);
  });
});

describe("main", () => {
  it("exits with a message naming the bad variable", () => {
    const root = fileURLToPath(new URL("../../../..", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "", PORT: "not-a-port", DATA_DIR: fresh() },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Invalid configuration:\s+PORT:/);
  });
});
