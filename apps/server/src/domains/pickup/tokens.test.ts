import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "../../platform/errors.ts";
import { FULFILMENT_TEXTS, fulfilmentMessage } from "../fulfilment/messages.ts";
import { openToken, sealToken, shortCodeFor, shortCodeHash } from "./tokens.ts";

const keys = [{ id: "k1", key: randomBytes(32) }];
const claims = {
  credentialId: randomUUID(),
  participationId: randomUUID(),
  pickupPointId: randomUUID(),
  expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000),
  keyId: "k1",
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return undefined;
}

describe("pickup tokens", () => {
  it("round-trip, and are the same for the same credential (nothing to store)", () => {
    const token = sealToken(keys, claims);
    expect(openToken(keys, token)).toEqual(claims);
    expect(sealToken(keys, claims)).toBe(token);
    expect(
      sealToken(keys, { ...claims, expiresAt: new Date(claims.expiresAt.getTime() + 1000) }),
    ).not.toBe(token);
  });

  it("cannot be altered anywhere, or opened without the key", () => {
    const token = sealToken(keys, claims);
    for (let i = 4; i < token.length; i += 7) {
      const c = token[i] === "A" ? "B" : "A";
      const altered = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
      if (altered !== token && token[i] !== ".") {
        expect(
          code(() => openToken(keys, altered)),
          `altered at ${i}`,
        ).toBe("pickup_token_invalid");
      }
    }
    expect(code(() => openToken([{ id: "k1", key: randomBytes(32) }], token))).toBe(
      "pickup_token_invalid",
    );
    expect(code(() => openToken(keys, `${token}.x`))).toBe("pickup_token_invalid");
    expect(code(() => openToken(keys, "not a token"))).toBe("pickup_token_invalid");
  });
});

describe("short codes", () => {
  it("are 8 digits, stable per credential and version, and looked up by a keyed hash", () => {
    const id = randomUUID();
    const a = shortCodeFor("s".repeat(32), id, 0);
    expect(a).toMatch(/^\d{8}$/);
    expect(shortCodeFor("s".repeat(32), id, 0)).toBe(a);
    expect(shortCodeFor("s".repeat(32), id, 1)).not.toBe(a);
    expect(shortCodeFor("t".repeat(32), id, 0)).not.toBe(a);
    expect(shortCodeHash("s".repeat(32), a)).not.toBe(shortCodeHash("t".repeat(32), a));
  });
});

describe("fulfilment SMS texts", () => {
  it("fit one 160-character segment in every language", () => {
    const values = {
      group: "MAZ4K7",
      point: "Mbare Musika Depot",
      code: "12345678",
      date: "28 Nov",
    };
    for (const [text, languages] of Object.entries(FULFILMENT_TEXTS)) {
      for (const language of Object.keys(languages) as Array<"en" | "sn" | "nd">) {
        const body = fulfilmentMessage(text as keyof typeof FULFILMENT_TEXTS, language, values);
        expect(body.length, `${text}/${language}: ${body}`).toBeLessThanOrEqual(160);
        expect(body).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
