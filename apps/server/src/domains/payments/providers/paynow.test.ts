import { randomUUID } from "node:crypto";
import { payments, webhookEvents } from "@cs/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { expectLedgerConsistent } from "../../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../../test/harness.ts";
import { expectProblem, send } from "../../../../test/http.ts";
import {
  agePayment,
  captureCount,
  closeAfterTests,
  joinNew,
  paymentRow,
  shareRow,
  waitFor,
  waitForPayment,
} from "../../../../test/payments.ts";
import { findGroup } from "../../groups/repo.ts";
import { type PaynowFake, startPaynowFake } from "../fakes/paynow-fake.ts";
import { pollPendingPayments } from "../poll-payments.ts";
import { encodePaynowMessage } from "./paynow-codec.ts";

const USD = { id: "21001", key: "9f1c2d3e-aaaa-4bbb-8ccc-0123456789ab" };
const ZWG = { id: "21002", key: "0a1b2c3d-dddd-4eee-8fff-ba9876543210" };

let fake: PaynowFake;
let t: TestApp;

beforeAll(async () => {
  fake = await startPaynowFake({ integrations: [USD, ZWG], timeScale: 0.01 });
  t = await createTestApp(
    {
      PAYMENT_ROUTES: "ecocash:paynow,onemoney:paynow,card:paynow,default:paynow",
      PAYNOW_BASE_URL: fake.url,
      PAYNOW_AUTH_EMAIL: "merchant@example.com",
      PAYNOW_INTEGRATION_ID_USD: USD.id,
      PAYNOW_INTEGRATION_KEY_USD: USD.key.toUpperCase(),
      PAYNOW_INTEGRATION_ID_ZWG: ZWG.id,
      PAYNOW_INTEGRATION_KEY_ZWG: ZWG.key,
      PROVIDER_TIMEOUT_MS: "300",
      PROVIDER_RETRIES: "1",
      PROVIDER_BACKOFF_MS: "10",
      PROVIDER_BREAKER_THRESHOLD: "4",
      PROVIDER_BREAKER_COOLDOWN_MS: "300",
    },
    { listen: true },
  );
});
closeAfterTests(() => ({ t, fake }));

function postStatusUpdate(body: string) {
  return t.app.inject({
    method: "POST",
    url: "/api/v1/payments/webhooks/paynow",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: body,
  });
}

describe("Paynow express checkout (EcoCash, OneMoney)", () => {
  it("asks the trader's handset, shows Paynow's instructions, and credits once when paid after 5 s", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" }, 3);
    expect(joined.payment).toMatchObject({
      provider: "paynow",
      method: "ecocash",
      status: "pending",
      checkoutUrl: null,
      phone: "077****111",
      checkoutError: null,
    });
    expect(joined.payment.instructions).toMatch(/\*151\*2\*4#/);
    const txn = fake.find(joined.payment.paymentId);
    expect(txn).toMatchObject({
      express: true,
      method: "ecocash",
      phone: "0771111111",
      amount: "30.00",
    });
    const paid = await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    expect(paid.providerReceipt).toBe(String(txn?.paynowReference));
    expect((await findGroup(t.ctx.db, joined.groupId))?.paidQty).toBe(3);
    expect(await captureCount(t, paid.id)).toBe(1);
    await expectLedgerConsistent(t);
  });

  it("fails the payment when the trader cancels on the handset, and a new attempt can succeed", async () => {
    const joined = await joinNew(t, { method: "onemoney", phone: "0773333333" });
    expect(joined.payment.instructions).toMatch(/OneMoney/);
    const failed = await waitForPayment(t, joined.payment.paymentId, ["failed"]);
    expect(failed.failureReason).toBe("declined");
    const share = joined.participation.id;
    expect((await shareRow(t, share)).status).toBe("reserved");
    const retry = await send(t, "POST", `/api/v1/participations/${share}/pay`, {
      headers: joined.trader,
      body: { method: "ecocash", phone: "+263 77 111 1111" },
    });
    expect(retry.statusCode, retry.body).toBe(200);
    await waitForPayment(t, retry.json<{ paymentId: string }>().paymentId, ["succeeded"]);
    expect((await shareRow(t, share)).status).toBe("paid");
    await expectLedgerConsistent(t);
  });

  it("tells the trader at once when the wallet lacks the balance", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0774444444" });
    expect(joined.payment).toMatchObject({
      status: "failed",
      failureReason: "insufficient_balance",
      instructions: null,
    });
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("failed");
  });

  it("times out a prompt nobody answers, and GET shows why", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    await agePayment(t, joined.payment.paymentId, 31);
    await pollPendingPayments(t.ctx);
    const payment = await send(t, "GET", `/api/v1/payments/${joined.payment.paymentId}`, {
      headers: joined.trader,
    });
    expect(payment.json()).toMatchObject({ status: "expired", failureReason: "timed_out" });
  });

  it("finds an express request that timed out with trace instead of prompting the handset twice", async () => {
    fake.setFault({ mode: "slow", ms: 600, paths: ["/interface/remotetransaction"] });
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    expect(joined.payment.checkoutError).toBeNull();
    expect(fake.hits("/interface/trace")).toBeGreaterThanOrEqual(1);
    expect(
      fake.transactions().filter((x) => x.reference === joined.payment.paymentId),
    ).toHaveLength(1);
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
  });
});

describe("Paynow web checkout", () => {
  it("sends the trader to Paynow's page and credits what Paynow confirms", async () => {
    const joined = await joinNew(t);
    expect(joined.payment.provider).toBe("paynow");
    const page = joined.payment.checkoutUrl ?? "";
    expect(page.startsWith(`${fake.url}/Payment/ConfirmPayment/`)).toBe(true);
    const answer = await fetch(page, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "decision=Paid",
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toContain(`payment=${joined.payment.paymentId}`);
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    await expectLedgerConsistent(t);
  });
});

describe("POST /api/v1/payments/webhooks/paynow", () => {
  it("finds the payment by polling when the status update never comes", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("pending");
    await agePayment(t, joined.payment.paymentId);
    await pollPendingPayments(t.ctx);
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("succeeded");
    expect(await captureCount(t, joined.payment.paymentId)).toBe(1);
  });

  it("recovers a payment whose checkout answer was lost in a crash, from Paynow's state, once", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    // The process died after Paynow answered and before the poll URL was written down.
    await t.ctx.db
      .update(payments)
      .set({ providerRef: null })
      .where(eq(payments.id, joined.payment.paymentId));
    await waitFor(async () => fake.find(joined.payment.paymentId)?.status === "Paid");
    await agePayment(t, joined.payment.paymentId);
    await pollPendingPayments(t.ctx);
    const recovered = await paymentRow(t, joined.payment.paymentId);
    expect(recovered.status).toBe("succeeded");
    expect(recovered.providerRef).toContain("/Interface/CheckPayment/?guid=");
    // The status update finally arrives: nothing more happens.
    const late = await postStatusUpdate(fake.statusUpdate(joined.payment.paymentId) ?? "");
    expect(late.json()).toMatchObject({ outcome: "already_applied" });
    expect(await captureCount(t, joined.payment.paymentId)).toBe(1);
    await expectLedgerConsistent(t);
  });

  it("applies a status update delivered twice, then ten times more, exactly once", async () => {
    fake.setCallbacks("twice");
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    const update = fake.statusUpdate(joined.payment.paymentId) ?? "";
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async () => (await postStatusUpdate(update)).json().outcome),
    );
    expect(new Set(outcomes)).toEqual(new Set(["already_applied"]));
    expect(await captureCount(t, joined.payment.paymentId)).toBe(1);
    expect((await findGroup(t.ctx.db, joined.groupId))?.paidQty).toBe(2);
    await expectLedgerConsistent(t);
  });

  it("refuses and records a status update with a bad hash, crediting nothing", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    fake.settle(joined.payment.paymentId, "Paid");
    const update = fake.statusUpdate(joined.payment.paymentId) ?? "";
    const tampered = await postStatusUpdate(update.replace("amount=20.00", "amount=2.00"));
    expectProblem(tampered, 401, "webhook_signature_invalid");
    const foreign = encodePaynowMessage(
      [...new URLSearchParams(update)].filter(([k]) => k !== "hash"),
      "not-our-integration-key",
    );
    expectProblem(await postStatusUpdate(foreign), 401, "webhook_signature_invalid");
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("pending");
    const rejected = await t.ctx.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.provider, "paynow"));
    expect(rejected.filter((e) => !e.signatureValid).length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a correctly hashed update for a reference that is not ours, without asking Paynow", async () => {
    const polls = fake.hits("/interface/checkpayment");
    const stranger = encodePaynowMessage(
      [
        ["reference", randomUUID()],
        ["paynowreference", "99"],
        ["amount", "10.00"],
        ["status", "Paid"],
        ["pollurl", "http://127.0.0.1:9/elsewhere"],
      ],
      USD.key,
    );
    expectProblem(await postStatusUpdate(stranger), 400, "unknown_reference");
    expect(fake.hits("/interface/checkpayment")).toBe(polls);
  });

  it("refuses a payment whose amount or currency differ at Paynow", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    const txn = fake.find(joined.payment.paymentId);
    if (!txn) {
      throw new Error("no fake transaction");
    }
    txn.amount = "1.00";
    fake.settle(joined.payment.paymentId, "Paid");
    const update = fake.statusUpdate(joined.payment.paymentId) ?? "";
    expectProblem(await postStatusUpdate(update), 400, "webhook_mismatch");
    // Same amount, but Paynow's answer comes from the ZiG integration.
    txn.amount = "20.00";
    txn.integrationId = ZWG.id;
    expectProblem(
      await postStatusUpdate(fake.statusUpdate(joined.payment.paymentId) ?? ""),
      400,
      "webhook_mismatch",
    );
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("pending");
    await expectLedgerConsistent(t);
  });
});

describe("Paynow down or slow", () => {
  it("keeps the reservation, tells the trader provider_unavailable, opens the circuit, recovers", async () => {
    fake.setFault({ mode: "down" });
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    expect(joined.payment.checkoutError).toMatchObject({ code: "provider_unavailable" });
    expect(joined.participation.status).toBe("reserved");
    const pay = () =>
      send(t, "POST", `/api/v1/participations/${joined.participation.id}/pay`, {
        headers: joined.trader,
        body: { method: "ecocash", phone: "0771111111" },
      });
    expectProblem(await pay(), 503, "provider_unavailable");
    // The circuit is open now: the next attempt fails at once, without reaching Paynow.
    const hits = fake.hits("/interface/remotetransaction");
    expectProblem(await pay(), 503, "provider_unavailable");
    expect(fake.hits("/interface/remotetransaction")).toBe(hits);
    fake.setFault({ mode: "none" });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const recovered = await pay();
    expect(recovered.statusCode, recovered.body).toBe(200);
    await waitForPayment(t, recovered.json<{ paymentId: string }>().paymentId, ["succeeded"]);
  });

  it("gives up on a slow Paynow after the timeout and says so", async () => {
    fake.setFault({ mode: "slow", ms: 800 });
    const started = Date.now();
    const joined = await joinNew(t);
    expect(joined.payment.checkoutError).toMatchObject({ code: "provider_unavailable" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
