import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

const base = () => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "cs-config-")) });
const paynow = {
  PAYNOW_INTEGRATION_ID_USD: "1201",
  PAYNOW_INTEGRATION_KEY_USD: "3E9FED89-60E1-4CE5-AB6E-6B1EB2D4F977",
  PAYNOW_AUTH_EMAIL: "merchant@example.com",
};

describe("payment configuration", () => {
  it("routes every method to the embedded sandbox when nothing is configured", () => {
    expect(loadConfig(base()).payments).toMatchObject({
      routes: { ecocash: "sandbox", onemoney: "sandbox", card: "sandbox", default: "sandbox" },
      paynow: null,
      flutterwave: null,
      fakes: false,
    });
  });

  it("picks a provider per method and keeps one Paynow integration per currency, key lowercased", () => {
    const config = loadConfig({
      ...base(),
      ...paynow,
      FLUTTERWAVE_SECRET_KEY: "FLWSECK_TEST-x",
      FLUTTERWAVE_WEBHOOK_HASH: "hash",
      PAYMENT_ROUTES: "ecocash:paynow, onemoney:paynow, card:flutterwave",
    }).payments;
    expect(config.routes).toEqual({
      ecocash: "paynow",
      onemoney: "paynow",
      card: "flutterwave",
      default: "sandbox",
    });
    expect(config.paynow?.integrations).toEqual({
      USD: { id: "1201", key: "3e9fed89-60e1-4ce5-ab6e-6b1eb2d4f977" },
    });
  });

  it("refuses routes it cannot honour, naming the variable", () => {
    expect(() => loadConfig({ ...base(), PAYMENT_ROUTES: "bitcoin:paynow" })).toThrow(
      /PAYMENT_ROUTES: unknown method "bitcoin"/,
    );
    expect(() => loadConfig({ ...base(), PAYMENT_ROUTES: "card:stripe" })).toThrow(
      /unknown provider "stripe"/,
    );
    expect(() => loadConfig({ ...base(), PAYMENT_ROUTES: "ecocash:paynow" })).toThrow(
      /PAYNOW_INTEGRATION_ID/,
    );
    expect(() =>
      loadConfig({ ...base(), ...paynow, PAYNOW_AUTH_EMAIL: "", PAYMENT_ROUTES: "ecocash:paynow" }),
    ).toThrow(/PAYNOW_AUTH_EMAIL/);
    expect(() => loadConfig({ ...base(), PAYMENT_ROUTES: "card:flutterwave" })).toThrow(
      /FLUTTERWAVE_SECRET_KEY/,
    );
    expect(() =>
      loadConfig({
        ...base(),
        FLUTTERWAVE_SECRET_KEY: "k",
        FLUTTERWAVE_WEBHOOK_HASH: "h",
        PAYMENT_ROUTES: "ecocash:flutterwave",
      }),
    ).toThrow(/no Zimbabwe mobile money/);
    expect(() => loadConfig({ ...base(), PAYNOW_INTEGRATION_ID_ZWG: "9" })).toThrow(
      /PAYNOW_INTEGRATION_ID_ZWG and PAYNOW_INTEGRATION_KEY_ZWG go together/,
    );
  });

  it("never runs the fake providers in production", () => {
    expect(() =>
      loadConfig({
        ...base(),
        NODE_ENV: "production",
        JWT_SECRET: "x".repeat(32),
        OTP_SECRET: "y".repeat(32),
        SANDBOX_WEBHOOK_SECRET: "z".repeat(32),
        PICKUP_KEYS: `k1:${"a".repeat(43)}`,
        PICKUP_CODE_SECRET: "w".repeat(32),
        PAYMENT_FAKES: "true",
      }),
    ).toThrow(/PAYMENT_FAKES: not in production/);
  });
});
