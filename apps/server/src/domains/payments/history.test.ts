import type { TJoinGroupResponse, TPaymentHistoryItem } from "@cs/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader } from "../../../test/factories.ts";
import { buildGroup, expectLedgerConsistent, join } from "../../../test/groups.ts";
import type { TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { createProviderTestApp, waitForPayment } from "../../../test/payments.ts";
import type { FlutterwaveFake } from "./fakes/flutterwave-fake.ts";
import { processDueRefunds } from "./refunds.ts";

let t: TestApp;
let flutterwave: FlutterwaveFake;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ t, flutterwave, close } = await createProviderTestApp());
});
afterAll(() => close());

describe("GET /api/v1/me/payments and receipts", () => {
  it("lists my payments newest first, with failures explained, refunds, and receipts for the paid ones", async () => {
    const trader = await buildTrader(t, { name: "Chipo Moyo" });
    const auth = trader.authorization;
    const maize = await buildGroup(t);
    const first = (
      await join(t, auth, maize.id, 3, { method: "ecocash", phone: "0774444444" })
    ).json<TJoinGroupResponse>();
    const retry = await send(t, "POST", `/api/v1/participations/${first.participation.id}/pay`, {
      headers: auth,
      body: { method: "ecocash", phone: "0771111111" },
    });
    const ecocash = retry.json<{ paymentId: string }>().paymentId;
    await waitForPayment(t, ecocash, ["succeeded"]);
    const oil = await buildGroup(t);
    const card = (await join(t, auth, oil.id, 1, { method: "card" })).json<TJoinGroupResponse>();
    const charged = flutterwave.pay(card.payment.paymentId);
    await waitForPayment(t, card.payment.paymentId, ["succeeded"]);
    await send(t, "DELETE", `/api/v1/participations/${card.participation.id}`, { headers: auth });
    await processDueRefunds(t.ctx);

    const page = await send(t, "GET", "/api/v1/me/payments?limit=2", { headers: auth });
    expect(page.statusCode, page.body).toBe(200);
    const { items, nextCursor } = page.json<{ items: TPaymentHistoryItem[]; nextCursor: string }>();
    expect(items.map((i) => [i.id, i.status])).toEqual([
      [card.payment.paymentId, "succeeded"],
      [ecocash, "succeeded"],
    ]);
    expect(items[0]).toMatchObject({
      provider: "flutterwave",
      method: "card",
      providerReceipt: String(charged.id),
      hasReceipt: true,
      refunds: [{ amount: 1000, reason: "trader_left", status: "sent" }],
    });
    const rest = await send(t, "GET", `/api/v1/me/payments?limit=2&cursor=${nextCursor}`, {
      headers: auth,
    });
    expect(rest.json().items).toEqual([
      expect.objectContaining({
        id: first.payment.paymentId,
        status: "failed",
        failureReason: "insufficient_balance",
        provider: "paynow",
        hasReceipt: false,
        group: { id: maize.id, code: maize.code, title: maize.title },
      }),
    ]);
    expect(rest.json().nextCursor).toBeNull();

    const receipt = await send(t, "GET", `/api/v1/me/payments/${ecocash}/receipt`, {
      headers: auth,
    });
    expect(receipt.statusCode, receipt.body).toBe(200);
    expect(receipt.json()).toMatchObject({
      paymentId: ecocash,
      trader: { name: "Chipo Moyo" },
      group: { id: maize.id, code: maize.code },
      quantity: 3,
      unitPrice: 1000,
      amount: 3000,
      currency: "USD",
      provider: "paynow",
      method: "ecocash",
      purpose: "share",
      netAmount: 3000,
    });
    expect(receipt.json().receiptNumber).toMatch(/^CS-\d{8}-[0-9a-f]{8}$/);
    expect(receipt.json().product.name.length).toBeGreaterThan(0);
    const refunded = await send(t, "GET", `/api/v1/me/payments/${card.payment.paymentId}/receipt`, {
      headers: auth,
    });
    expect(refunded.json()).toMatchObject({ amount: 1000, netAmount: 0 });
    await expectLedgerConsistent(t);
  });

  it("gives no receipt for an unpaid payment or someone else's, and only traders have a history", async () => {
    const trader = await buildTrader(t);
    const group = await buildGroup(t);
    const joined = (
      await join(t, trader.authorization, group.id, 1, { method: "ecocash", phone: "0774444444" })
    ).json<TJoinGroupResponse>();
    expectProblem(
      await send(t, "GET", `/api/v1/me/payments/${joined.payment.paymentId}/receipt`, {
        headers: trader.authorization,
      }),
      404,
      "not_found",
    );
    const stranger = await buildTrader(t);
    expect(
      (await send(t, "GET", "/api/v1/me/payments", { headers: stranger.authorization })).json()
        .items,
    ).toEqual([]);
    const admin = await buildAdmin(t);
    expectProblem(
      await send(t, "GET", "/api/v1/me/payments", { headers: admin.authorization }),
      403,
      "forbidden",
    );
  });
});
