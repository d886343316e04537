import { refreshTokens, users } from "@cs/db";
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader, TEST_PASSWORD, uniquePhone } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function post(url: string, body?: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: "POST",
    url,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined
      ? {}
      : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

function refreshCookie(response: { cookies: Array<{ name: string; value: string }> }): string {
  const cookie = response.cookies.find((c) => c.name === "cs_refresh");
  if (!cookie) {
    throw new Error("no refresh cookie");
  }
  return cookie.value;
}

/** The newest SMS the local driver stored for a phone, after the worker ran. */
async function lastSmsCode(phone: string): Promise<string> {
  await t.drainOutbox();
  const response = await t.app.inject({
    url: `/dev/messages.json?to=${encodeURIComponent(phone)}`,
  });
  const body = response.json<{ items: Array<{ body: string }> }>();
  const match = /\b(\d{6})\b/.exec(body.items[0]?.body ?? "");
  if (!match?.[1]) {
    throw new Error(`no code sent to ${phone}`);
  }
  return match[1];
}

async function register(phone = uniquePhone(), extra: Record<string, unknown> = {}) {
  const local = `0${phone.slice(4)}`;
  const response = await post("/api/v1/auth/register", {
    phone: local,
    name: "Chipo Ncube",
    password: TEST_PASSWORD,
    language: "sn",
    ...extra,
  });
  expect(response.statusCode).toBe(201);
  const session = response.json<{ accessToken: string; user: { id: string; phone: string } }>();
  return {
    phone,
    session,
    cookie: refreshCookie(response),
    auth: { authorization: `Bearer ${session.accessToken}` },
  };
}

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers["content-type"])).toMatch(/^application\/problem\+json/);
  const body = response.json() as { code: string; status: number; title: string; type: string };
  expect(body).toMatchObject({ code, status });
  expect(body.title).toBeTruthy();
  expect(body.type).toContain(code);
}

describe("POST /api/v1/auth/register", () => {
  it("normalises the phone to E.164, stores an argon2id hash and texts a code in the user's language", async () => {
    const { phone, session } = await register();
    expect(session.user.phone).toBe(phone);
    const [row] = await t.ctx.db.select().from(users).where(eq(users.phone, phone));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.phoneVerifiedAt).toBeNull();
    await t.drainOutbox();
    const sms = await t.app.inject({ url: `/dev/messages.json?to=${encodeURIComponent(phone)}` });
    expect(sms.json<{ items: Array<{ body: string }> }>().items[0]?.body).toMatch(
      /kodhi yako yekusimbisa ndeye \d{6}/,
    );
  });

  it("refuses a phone number that is already registered, and changes nothing", async () => {
    const { phone } = await register();
    const before = await databaseSnapshot(t);
    const response = await post("/api/v1/auth/register", {
      phone: `+263 ${phone.slice(4)}`,
      name: "Someone Else",
      password: TEST_PASSWORD,
    });
    expectProblem(response, 409, "phone_taken");
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it.each([
    ["not a number", "hello"],
    ["too short", "07712345"],
    ["a landline", "0242123456"],
    ["a foreign number", "+27821234567"],
  ])("refuses an invalid phone (%s) with phone_invalid", async (_label, phone) => {
    const before = await databaseSnapshot(t);
    const response = await post("/api/v1/auth/register", {
      phone,
      name: "Chipo",
      password: TEST_PASSWORD,
    });
    expectProblem(response, 400, "phone_invalid");
    expect(response.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe("phone");
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it.each([
    ["too short", "Ab1"],
    ["no digits", "onlyletters"],
    ["a common password", "Password1"],
  ])("refuses a weak password (%s)", async (_label, password) => {
    const before = await databaseSnapshot(t);
    const response = await post("/api/v1/auth/register", {
      phone: uniquePhone(),
      name: "Chipo",
      password,
    });
    expectProblem(response, 400, "password_weak");
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("refuses malformed JSON, wrong types, unknown fields, a wrong content type and an oversized body", async () => {
    const before = await databaseSnapshot(t);
    expectProblem(await post("/api/v1/auth/register", '{"phone": "0771'), 400, "malformed_json");
    const wrongTypes = await post("/api/v1/auth/register", {
      phone: 771234567,
      name: ["x"],
      password: true,
    });
    expectProblem(wrongTypes, 400, "validation_failed");
    const paths = wrongTypes.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["phone", "name", "password"]));
    const unknown = await post("/api/v1/auth/register", {
      phone: uniquePhone(),
      name: "Chipo",
      password: TEST_PASSWORD,
      role: "admin",
    });
    expectProblem(unknown, 400, "validation_failed");
    expect(unknown.json<{ errors: Array<{ path: string; code: string }> }>().errors).toContainEqual(
      expect.objectContaining({ path: "role", code: "unknown_field" }),
    );
    const text = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      headers: { "content-type": "text/plain" },
      payload: "hi",
    });
    expectProblem(text, 415, "unsupported_media_type");
    const huge = await post("/api/v1/auth/register", {
      phone: uniquePhone(),
      name: "x".repeat(70_000),
      password: TEST_PASSWORD,
    });
    expectProblem(huge, 413, "payload_too_large");
    expect(await databaseSnapshot(t)).toEqual(before);
  });
});

describe("POST /api/v1/auth/verify-phone", () => {
  it("verifies the phone with the code from the SMS", async () => {
    const { phone, auth } = await register();
    const code = await lastSmsCode(phone);
    const response = await post("/api/v1/auth/verify-phone", { code }, auth);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ phone, phoneVerified: true });
    expectProblem(
      await post("/api/v1/auth/verify-phone", { code }, auth),
      409,
      "phone_already_verified",
    );
  });

  it("counts wrong codes and kills the code after five, leaving the phone unverified", async () => {
    const { phone, auth, session } = await register();
    const code = await lastSmsCode(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 4; i++) {
      expectProblem(
        await post("/api/v1/auth/verify-phone", { code: wrong }, auth),
        400,
        "otp_invalid",
      );
    }
    expectProblem(
      await post("/api/v1/auth/verify-phone", { code: wrong }, auth),
      429,
      "otp_attempts_exceeded",
    );
    // Even the right code no longer works: the attacker's guesses used it up.
    expectProblem(
      await post("/api/v1/auth/verify-phone", { code }, auth),
      429,
      "otp_attempts_exceeded",
    );
    const [row] = await t.ctx.db.select().from(users).where(eq(users.id, session.user.id));
    expect(row?.phoneVerifiedAt).toBeNull();
  });

  it("refuses an expired code", async () => {
    const { phone, auth, session } = await register();
    const code = await lastSmsCode(phone);
    const { otpCodes } = await import("@cs/db");
    await t.ctx.db
      .update(otpCodes)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(otpCodes.userId, session.user.id));
    expectProblem(await post("/api/v1/auth/verify-phone", { code }, auth), 400, "otp_expired");
  });

  it("refuses a malformed code without counting it", async () => {
    const { auth } = await register();
    const before = await databaseSnapshot(t);
    expectProblem(
      await post("/api/v1/auth/verify-phone", { code: "12ab" }, auth),
      400,
      "validation_failed",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("allows one resend a minute", async () => {
    const { auth } = await register();
    expectProblem(
      await post("/api/v1/auth/verify-phone/resend", undefined, auth),
      429,
      "otp_too_soon",
    );
  });

  it("keeps unverified users out of other routes", async () => {
    const { auth } = await register();
    const response = await t.app.inject({ url: "/api/v1/me/profile", headers: auth });
    expectProblem(response, 403, "phone_not_verified");
  });
});

describe("POST /api/v1/auth/login", () => {
  it("signs in with any common form of the phone and sets an httpOnly refresh cookie", async () => {
    const trader = await buildTrader(t);
    const response = await post("/api/v1/auth/login", {
      phone: `0${trader.phone.slice(4)}`,
      password: TEST_PASSWORD,
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === "cs_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/v1/auth" });
    const me = await t.app.inject({
      url: "/api/v1/auth/me",
      headers: { authorization: `Bearer ${response.json<{ accessToken: string }>().accessToken}` },
    });
    expect(me.json()).toMatchObject({ id: trader.id, role: "trader" });
  });

  it("gives the same answer for an unknown phone and a wrong password", async () => {
    const trader = await buildTrader(t);
    expectProblem(
      await post("/api/v1/auth/login", { phone: trader.phone, password: "Wrong2026!" }),
      401,
      "invalid_credentials",
    );
    expectProblem(
      await post("/api/v1/auth/login", { phone: uniquePhone(), password: "Wrong2026!" }),
      401,
      "invalid_credentials",
    );
  });

  it("locks the account after five wrong passwords, even for the right password", async () => {
    const trader = await buildTrader(t);
    for (let i = 0; i < 4; i++) {
      expectProblem(
        await post("/api/v1/auth/login", { phone: trader.phone, password: `Wrong${i}2026` }),
        401,
        "invalid_credentials",
      );
    }
    const fifth = await post("/api/v1/auth/login", { phone: trader.phone, password: "Wrong52026" });
    expectProblem(fifth, 423, "account_locked");
    expect(Number(fifth.headers["retry-after"])).toBeGreaterThan(800);
    const tokensBefore = await databaseSnapshot(t);
    expectProblem(
      await post("/api/v1/auth/login", { phone: trader.phone, password: TEST_PASSWORD }),
      423,
      "account_locked",
    );
    expect(await databaseSnapshot(t)).toEqual(tokensBefore);
  });

  it("throttles sign-in attempts per address", async () => {
    const limited = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const attempt = () =>
        limited.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ phone: uniquePhone(), password: "Wrong2026!" }),
        });
      for (let i = 0; i < 3; i++) {
        expect((await attempt()).statusCode).toBe(401);
      }
      const blocked = await attempt();
      expectProblem(blocked, 429, "rate_limited");
      expect(blocked.headers["retry-after"]).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});

describe("access tokens", () => {
  it("refuses a missing, tampered, expired or foreign-signed token", async () => {
    const trader = await buildTrader(t);
    expectProblem(await t.app.inject({ url: "/api/v1/auth/me" }), 401, "unauthenticated");
    const [head, payload, signature] = trader.token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ sub: trader.id, role: "admin" })).toString(
      "base64url",
    );
    const tampered = `${head}.${forgedPayload}.${signature}`;
    expectProblem(
      await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${tampered}` },
      }),
      401,
      "token_invalid",
    );
    const key = new TextEncoder().encode(t.ctx.config.jwtSecret);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(trader.id)
      .setIssuer("connectsphere")
      .setAudience("connectsphere-api")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    expectProblem(
      await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${expired}` },
      }),
      401,
      "token_expired",
    );
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(trader.id)
      .setIssuer("connectsphere")
      .setAudience("connectsphere-api")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("another-secret-that-is-long-enough-to-sign"));
    expectProblem(
      await t.app.inject({
        url: "/api/v1/auth/me",
        headers: { authorization: `Bearer ${foreign}` },
      }),
      401,
      "token_invalid",
    );
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`;
    expectProblem(
      await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${none}` } }),
      401,
      "token_invalid",
    );
  });
});

describe("POST /api/v1/auth/refresh", () => {
  it("rotates the refresh token on every use", async () => {
    const { cookie } = await register();
    const first = await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${cookie}` });
    expect(first.statusCode).toBe(200);
    const next = refreshCookie(first);
    expect(next).not.toBe(cookie);
    const second = await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${next}` });
    expect(second.statusCode).toBe(200);
  });

  it("revokes the whole family when a rotated token is replayed", async () => {
    const { cookie, session } = await register();
    const rotated = refreshCookie(
      await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${cookie}` }),
    );
    // The thief replays the old token: both the thief and the holder of the new one are out.
    expectProblem(
      await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${cookie}` }),
      401,
      "refresh_token_reused",
    );
    expectProblem(
      await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${rotated}` }),
      401,
      "refresh_token_reused",
    );
    const live = await t.ctx.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, session.user.id));
    expect(live.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("refuses a missing or unknown cookie without changing anything", async () => {
    const before = await databaseSnapshot(t);
    expectProblem(await post("/api/v1/auth/refresh"), 401, "refresh_token_missing");
    expectProblem(
      await post("/api/v1/auth/refresh", undefined, { cookie: "cs_refresh=nonsense" }),
      401,
      "refresh_token_invalid",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("ends the session on logout", async () => {
    const { cookie } = await register();
    const out = await post("/api/v1/auth/logout", undefined, { cookie: `cs_refresh=${cookie}` });
    expect(out.statusCode).toBe(204);
    expect(
      (await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${cookie}` }))
        .statusCode,
    ).toBe(401);
  });
});

describe("password reset", () => {
  it("sets a new password with the SMS code and signs out every session", async () => {
    const { phone, cookie } = await register();
    const first = await lastSmsCode(phone);
    const request = await post("/api/v1/auth/password-reset/request", { phone });
    expect(request.statusCode).toBe(202);
    const code = await lastSmsCode(phone);
    expect(code).toBeTruthy();
    const confirm = await post("/api/v1/auth/password-reset/confirm", {
      phone,
      code,
      password: "Musika2027x",
    });
    expect(confirm.statusCode).toBe(200);
    expect(first).toMatch(/^\d{6}$/);
    expectProblem(
      await post("/api/v1/auth/login", { phone, password: TEST_PASSWORD }),
      401,
      "invalid_credentials",
    );
    expect((await post("/api/v1/auth/login", { phone, password: "Musika2027x" })).statusCode).toBe(
      200,
    );
    expect(
      (await post("/api/v1/auth/refresh", undefined, { cookie: `cs_refresh=${cookie}` }))
        .statusCode,
    ).toBe(401);
  });

  it("answers the same for an unknown phone and sends nothing", async () => {
    const phone = uniquePhone();
    const before = await databaseSnapshot(t);
    expect((await post("/api/v1/auth/password-reset/request", { phone })).statusCode).toBe(202);
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("refuses a wrong code and keeps the old password", async () => {
    const trader = await buildTrader(t);
    expect(
      (await post("/api/v1/auth/password-reset/request", { phone: trader.phone })).statusCode,
    ).toBe(202);
    const code = await lastSmsCode(trader.phone);
    const wrong = code === "999999" ? "999998" : "999999";
    expectProblem(
      await post("/api/v1/auth/password-reset/confirm", {
        phone: trader.phone,
        code: wrong,
        password: "Musika2027x",
      }),
      400,
      "otp_invalid",
    );
    expect(
      (await post("/api/v1/auth/login", { phone: trader.phone, password: TEST_PASSWORD }))
        .statusCode,
    ).toBe(200);
  });
});
