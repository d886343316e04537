import type { TPaymentMethods, TPaymentSession } from "@cs/contracts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { createProviderTestApp, joinNew, waitFor } from "../../../test/payments.ts";
import type { PaynowFake } from "./fakes/paynow-fake.ts";

let t: TestApp;
let paynow: PaynowFake;
let close: () => Promise<void>;

beforeAll(async () => {
  // Paynow has a US dollar integration only here; cards go to Flutterwave.
  ({ t, paynow, close } = await createProviderTestApp());
});
afterAll(() => close());
afterEach(() => paynow.setCallbacks("normal"));

describe("GET /api/v1/payments/methods", () => {
  it("offers, for US dollars, the wallets by express checkout, card, and cash with its deposit", async () => {
    const res = await send(t, "GET", "/api/v1/payments/methods?currency=USD");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<TPaymentMethods>()).toEqual({
      currency: "USD",
      methods: [
        { method: "ecocash", provider: "paynow", express: true },
        { method: "onemoney", provider: "paynow", express: true },
        { method: "card", provider: "flutterwave", express: false },
        { method: "cash", provider: "cash", express: false },
      ],
      cash: {
        rule: { mode: "deposit", percentBps: 1000 },
        depositMethods: ["ecocash", "onemoney"],
      },
    });
  });

  it("offers nothing for ZiG when no provider takes it (no Paynow ZiG integration, Flutterwave is USD only)", async () => {
    const res = await send(t, "GET", "/api/v1/payments/methods?currency=ZWG");
    expect(res.statusCode, res.body).toBe(200);
    // Cash needs a wallet for its deposit, so it goes too.
    expect(res.json()).toEqual({ currency: "ZWG", methods: [], cash: null });
  });

  it("refuses a currency we do not trade in", async () => {
    expectProblem(
      await send(t, "GET", "/api/v1/payments/methods?currency=EUR"),
      400,
      "validation_failed",
    );
  });

  it("offers every method through the embedded sandbox, on its hosted page", async () => {
    const sandbox = await createTestApp();
    try {
      const res = await send(sandbox, "GET", "/api/v1/payments/methods?currency=ZWG");
      expect(res.json<TPaymentMethods>().methods).toEqual([
        { method: "ecocash", provider: "sandbox", express: false },
        { method: "onemoney", provider: "sandbox", express: false },
        { method: "card", provider: "sandbox", express: false },
        { method: "cash", provider: "cash", express: false },
      ]);
    } finally {
      await sandbox.close();
    }
  });
});

describe("POST /api/v1/payments/:id/check", () => {
  it("asks Paynow now and turns the waiting screen into success when no callback came", async () => {
    paynow.setCallbacks("never");
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    expect(joined.payment).toMatchObject({
      status: "pending",
      checkoutUrl: null,
      phone: "077****111",
    });
    expect(joined.payment.instructions).toMatch(/\*151\*/);
    const checked = await waitFor(async () => {
      const res = await send(t, "POST", `/api/v1/payments/${joined.payment.paymentId}/check`, {
        headers: joined.trader,
      });
      expect(res.statusCode, res.body).toBe(200);
      const session = res.json<TPaymentSession>();
      return session.status === "succeeded" ? session : undefined;
    }, 3_000);
    expect(checked).toMatchObject({ status: "succeeded", failureReason: null, instructions: null });
  });

  it("answers 404 for someone else's payment and for one that does not exist", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    const stranger = await buildTrader(t);
    expectProblem(
      await send(t, "POST", `/api/v1/payments/${joined.payment.paymentId}/check`, {
        headers: stranger.authorization,
      }),
      404,
      "not_found",
    );
    expectProblem(
      await send(t, "POST", "/api/v1/payments/0190d3a2-0000-7000-8000-000000000000/check", {
        headers: joined.trader,
      }),
      404,
      "not_found",
    );
  });

  it("lets a trader press it six times a minute, counted per trader, not per address", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    const other = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    const press = (who: { authorization: string }, id: string) =>
      send(t, "POST", `/api/v1/payments/${id}/check`, { headers: who });
    for (let i = 0; i < 6; i += 1) {
      const res = await press(joined.trader, joined.payment.paymentId);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<TPaymentSession>().status).toBe("pending");
    }
    const refused = await press(joined.trader, joined.payment.paymentId);
    expectProblem(refused, 429, "rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Another trader from the same address still gets their answer.
    expect((await press(other.trader, other.payment.paymentId)).statusCode).toBe(200);
  });
});
