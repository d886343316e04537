import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

const base = () => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "cs-config-")) });

describe("channel configuration", () => {
  it("uses the local driver for every channel when nothing is configured", () => {
    expect(loadConfig(base()).channels).toMatchObject({
      sms: { driver: "local" },
      email: { driver: "local" },
      whatsapp: { driver: "local" },
    });
  });

  it("names each missing variable of a chosen driver at start", () => {
    expect(() =>
      loadConfig({
        ...base(),
        SMS_DRIVER: "africastalking",
        EMAIL_DRIVER: "smtp",
        WHATSAPP_DRIVER: "cloud",
      }),
    ).toThrow(
      /AT_USERNAME: required[\s\S]*AT_API_KEY[\s\S]*AT_CALLBACK_TOKEN[\s\S]*SMTP_URL[\s\S]*WHATSAPP_TOKEN[\s\S]*WHATSAPP_PHONE_NUMBER_ID[\s\S]*WHATSAPP_APP_SECRET[\s\S]*WHATSAPP_VERIFY_TOKEN/,
    );
  });

  it("refuses malformed values", () => {
    expect(() => loadConfig({ ...base(), SMTP_URL: "http://mail" })).toThrow(
      /SMTP_URL: must be an smtp/,
    );
    expect(() => loadConfig({ ...base(), WHATSAPP_API_VERSION: "21" })).toThrow(
      /WHATSAPP_API_VERSION/,
    );
    expect(() => loadConfig({ ...base(), AT_CALLBACK_TOKEN: "short" })).toThrow(
      /AT_CALLBACK_TOKEN/,
    );
    expect(() => loadConfig({ ...base(), SMS_DRIVER: "twilio" })).toThrow(/SMS_DRIVER/);
  });

  it("builds the Africa's Talking adapter's settings, trailing slash trimmed", () => {
    const config = loadConfig({
      ...base(),
      SMS_DRIVER: "africastalking",
      AT_USERNAME: "sandbox",
      AT_API_KEY: "key",
      AT_BASE_URL: "https://api.sandbox.africastalking.com/",
      AT_CALLBACK_TOKEN: "a".repeat(32),
    });
    expect(config.channels.sms).toMatchObject({
      driver: "africastalking",
      username: "sandbox",
      baseUrl: "https://api.sandbox.africastalking.com",
    });
  });
});
