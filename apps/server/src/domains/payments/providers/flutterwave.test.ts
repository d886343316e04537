import { beforeAll, describe, expect, it } from "vitest";
import { expectLedgerConsistent } from "../../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../../test/harness.ts";
import { expectProblem } from "../../../../test/http.ts";
import {
  agePayment,
  captureCount,
  closeAfterTests,
  joinNew,
  paymentRow,
  waitFor,
  waitForPayment,
} from "../../../../test/payments.ts";
import {
  FLUTTERWAVE_TEST_CARDS,
  type FlutterwaveFake,
  startFlutterwaveFake,
} from "../fakes/flutterwave-fake.ts";
import { pollPendingPayments } from "../poll-payments.ts";
import { flutterwaveSignature } from "./flutterwave.ts";

const SECRET = "FLWSECK_TEST-local-fake-key-X";
const HASH = "a-webhook-secret-hash-of-our-choosing";

let fake: FlutterwaveFake;
let t: TestApp;

beforeAll(async () => {
  fake = await startFlutterwaveFake({ secretKey: SECRET, webhookHash: HASH, timeScale: 0.001 });
  t = await createTestApp(
    {
      PAYMENT_ROUTES: "card:flutterwave",
      FLUTTERWAVE_BASE_URL: fake.url,
      FLUTTERWAVE_SECRET_KEY: SECRET,
      FLUTTERWAVE_WEBHOOK_HASH: HASH,
      PROVIDER_TIMEOUT_MS: "300",
      PROVIDER_RETRIES: "1",
      PROVIDER_BACKOFF_MS: "10",
    },
    { listen: true },
  );
  fake.setWebhookUrl(`${t.ctx.urls.internal}/api/v1/payments/webhooks/flutterwave`);
});
closeAfterTests(() => ({ t, fake }));

function postWebhook(body: string, headers: Record<string, string>) {
  return t.app.inject({
    method: "POST",
    url: "/api/v1/payments/webhooks/flutterwave",
    headers: { "content-type": "application/json", ...headers },
    payload: body,
  });
}

function chargeCompleted(data: object): string {
  return JSON.stringify({ event: "charge.completed", "event.type": "CARD_TRANSACTION", data });
}

describe("Flutterwave hosted checkout (cards)", () => {
  it("sends the trader to Flutterwave, then credits the card payment its webhook names, once", async () => {
    const joined = await joinNew(t, { method: "card" });
    expect(joined.payment).toMatchObject({ provider: "flutterwave", method: "card" });
    const link = joined.payment.checkoutUrl ?? "";
    expect(link.startsWith(`${fake.url}/v3/hosted/pay/flwlnk-`)).toBe(true);
    const back = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `card=${FLUTTERWAVE_TEST_CARDS.success}`,
      redirect: "manual",
    });
    const redirect = new URL(back.headers.get("location") ?? "");
    expect(redirect.searchParams.get("status")).toBe("successful");
    expect(redirect.searchParams.get("tx_ref")).toBe(joined.payment.paymentId);
    const paid = await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    expect(paid.providerReceipt).toBe(redirect.searchParams.get("transaction_id"));
    expect(await captureCount(t, paid.id)).toBe(1);
    await expectLedgerConsistent(t);
  });

  it("fails a declined card with the reason", async () => {
    const joined = await joinNew(t, { method: "card" });
    fake.pay(joined.payment.paymentId, FLUTTERWAVE_TEST_CARDS.insufficientFunds);
    const failed = await waitForPayment(t, joined.payment.paymentId, ["failed"]);
    expect(failed.failureReason).toBe("declined");
  });

  it("finds the payment by its reference when the webhook is lost", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "card" });
    await agePayment(t, joined.payment.paymentId);
    await pollPendingPayments(t.ctx);
    // Nothing attempted yet: still pending, nothing applied.
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("pending");
    fake.pay(joined.payment.paymentId);
    await agePayment(t, joined.payment.paymentId);
    await pollPendingPayments(t.ctx);
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("succeeded");
  });

  it("keeps the reservation and says provider_unavailable when Flutterwave is down", async () => {
    fake.setFault({ mode: "down" });
    const joined = await joinNew(t, { method: "card" });
    expect(joined.payment.checkoutError).toMatchObject({ code: "provider_unavailable" });
    expect(joined.participation.status).toBe("reserved");
  });
});

describe("POST /api/v1/payments/webhooks/flutterwave", () => {
  it("accepts verif-hash or a valid flutterwave-signature, refuses anything else", async () => {
    fake.setCallbacks("never");
    const joined = await joinNew(t, { method: "card" });
    const txn = fake.pay(joined.payment.paymentId);
    const body = chargeCompleted(txn);
    expectProblem(
      await postWebhook(body, { "verif-hash": "guess" }),
      401,
      "webhook_signature_invalid",
    );
    expectProblem(await postWebhook(body, {}), 401, "webhook_signature_invalid");
    expectProblem(
      await postWebhook(body, { "flutterwave-signature": flutterwaveSignature(HASH, `${body} `) }),
      401,
      "webhook_signature_invalid",
    );
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("pending");
    const signed = await postWebhook(body, {
      "flutterwave-signature": flutterwaveSignature(HASH, body),
    });
    expect(signed.json()).toMatchObject({ outcome: "credited" });
  });

  it("applies a webhook delivered twice, and replayed ten times, once", async () => {
    fake.setCallbacks("twice");
    const joined = await joinNew(t, { method: "card" });
    const txn = fake.pay(joined.payment.paymentId);
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    for (let i = 0; i < 10; i++) {
      const replay = await postWebhook(chargeCompleted(txn), { "verif-hash": HASH });
      expect(replay.json()).toMatchObject({ outcome: "already_applied" });
    }
    expect(await captureCount(t, joined.payment.paymentId)).toBe(1);
    await expectLedgerConsistent(t);
  });

  it("trusts Flutterwave's verification, not the webhook: another payment's transaction or amount is refused", async () => {
    fake.setCallbacks("never");
    const first = await joinNew(t, { method: "card" });
    const second = await joinNew(t, { method: "card" });
    const other = fake.pay(second.payment.paymentId);
    // Claims the first payment succeeded, naming the second payment's transaction.
    const forged = chargeCompleted({ ...other, tx_ref: first.payment.paymentId });
    expectProblem(await postWebhook(forged, { "verif-hash": HASH }), 400, "webhook_mismatch");
    const mine = fake.pay(first.payment.paymentId);
    const held = fake.transactions().find((x) => x.id === mine.id);
    if (held) {
      held.amount = 1;
    }
    expectProblem(
      await postWebhook(chargeCompleted(mine), { "verif-hash": HASH }),
      400,
      "webhook_mismatch",
    );
    expect((await paymentRow(t, first.payment.paymentId)).status).toBe("pending");
    await expectLedgerConsistent(t);
  });

  it("refuses a webhook about a payment that is not ours", async () => {
    const response = await postWebhook(
      chargeCompleted({
        id: 1,
        tx_ref: "0190aaaa-0000-7000-8000-000000000000",
        status: "successful",
      }),
      { "verif-hash": HASH },
    );
    expectProblem(response, 400, "unknown_reference");
  });
});

describe("Flutterwave transfers (payouts)", () => {
  it("queues a transfer, follows it to SUCCESSFUL, and refuses a transfer webhook about no payout of ours", async () => {
    const flutterwave = t.ctx.payments.flutterwave;
    if (!flutterwave) {
      throw new Error("flutterwave not configured");
    }
    const queued = await flutterwave.transfer({
      reference: "payout_0001_PMCKDU_1",
      amount: 12_345,
      currency: "USD",
      accountBank: "MPS",
      accountNumber: "263771234567",
      beneficiaryName: "Mbare Wholesale Foods",
      narration: "ConnectSphere payout",
    });
    expect(queued).toMatchObject({
      status: "NEW",
      amount: 12_345,
      reference: "payout_0001_PMCKDU_1",
    });
    const done = await waitFor(async () => {
      const now = await flutterwave.getTransfer(queued.id);
      return now.status === "SUCCESSFUL" ? now : undefined;
    });
    expect(done.completeMessage).toBe("Successful");
    await expect(
      flutterwave.transfer({
        reference: "payout_0002",
        amount: 100,
        currency: "USD",
        accountBank: "044",
        accountNumber: "0690000036",
        beneficiaryName: "Blacklisted",
        narration: "x",
      }),
    ).rejects.toThrow(/blacklisted/);
    const webhook = await postWebhook(
      JSON.stringify({ event: "transfer.completed", "event.type": "Transfer", data: done }),
      { "verif-hash": HASH },
    );
    expectProblem(webhook, 400, "unknown_reference");
  });
});
