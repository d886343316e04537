import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccessTokens } from "./tokens.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("access tokens", () => {
  it("remembers a verified token only until it expires", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-25T10:00:00Z"), toFake: ["Date"] });
    const tokens = createAccessTokens("a-secret-long-enough-for-hs256-signing", 60);
    const token = await tokens.sign("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    vi.setSystemTime(new Date("2026-11-25T10:01:01Z"));
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: "token_expired" });
  });

  it("never accepts a token that differs from one it verified", async () => {
    const tokens = createAccessTokens("a-secret-long-enough-for-hs256-signing", 60);
    const token = await tokens.sign("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    const [header, , signature] = token.split(".") as [string, string, string];
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "user-2", exp: 4e9 })).toString("base64url")}.${signature}`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: "token_invalid" });
    const other = createAccessTokens("another-secret-long-enough-for-signing", 60);
    await expect(other.verify(token)).rejects.toMatchObject({ code: "token_invalid" });
  });
});
