import type { TJoinGroupResponse } from "@cs/contracts";
import { journalEntries, payments, sandboxTransactions, webhookEvents } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import { buildGroup, decideCheckout, expectLedgerConsistent, join } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";
import { findGroup } from "../groups/repo.ts";
import { pollPendingPayments } from "./poll-payments.ts";
import { SANDBOX_SIGNATURE_HEADER, signSandboxPayload } from "./providers/sandbox.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

async function joined(quantity = 2): Promise<TJoinGroupResponse & { groupId: string }> {
  const group = await buildGroup(t);
  const trader = await buildTrader(t);
  const response = await join(t, trader.authorization, group.id, quantity);
  return { ...response.json<TJoinGroupResponse>(), groupId: group.id };
}

function webhookBody(providerRef: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `evt_${providerRef}_paid`,
    type: "transaction.paid",
    data: { transactionId: providerRef, status: "paid", ...overrides },
  });
}

function sendWebhook(
  body: string,
  signature = signSandboxPayload(t.ctx.config.sandboxSecret, body),
) {
  return t.app.inject({
    method: "POST",
    url: "/api/v1/payments/webhooks/sandbox",
    headers: { "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: signature },
    payload: body,
  });
}

async function providerRefOf(paymentId: string): Promise<string> {
  const [row] = await t.ctx.db
    .select({ ref: payments.providerRef })
    .from(payments)
    .where(eq(payments.id, paymentId));
  return row?.ref as string;
}

describe("POST /api/v1/payments/webhooks/sandbox", () => {
  it("credits once when the same webhook arrives five times", async () => {
    const share = await joined(3);
    const ref = await providerRefOf(share.payment.paymentId);
    await t.ctx.payments.sandbox.decide(ref, { approve: true, method: "onemoney" });
    const body = webhookBody(ref);
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const response = await sendWebhook(body);
      expect(response.statusCode).toBe(200);
      outcomes.push(response.json<{ outcome: string }>().outcome);
    }
    expect(outcomes).toEqual([
      "credited",
      "already_applied",
      "already_applied",
      "already_applied",
      "already_applied",
    ]);
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(3);
    const captures = await t.ctx.db
      .select()
      .from(journalEntries)
      .where(
        sql`${journalEntries.kind} = 'payment_captured' and ${journalEntries.referenceId} = ${share.payment.paymentId}`,
      );
    expect(captures).toHaveLength(1);
    const [payment] = await t.ctx.db
      .select()
      .from(payments)
      .where(eq(payments.id, share.payment.paymentId));
    expect(payment).toMatchObject({ status: "succeeded", method: "onemoney" });
    await expectLedgerConsistent(t);
  });

  it("credits once when ten copies of the webhook arrive at the same moment", async () => {
    const share = await joined(2);
    const ref = await providerRefOf(share.payment.paymentId);
    await t.ctx.payments.sandbox.decide(ref, { approve: true, method: "ecocash" });
    const body = webhookBody(ref);
    const responses = await Promise.all(Array.from({ length: 10 }, () => sendWebhook(body)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const outcomes = responses.map((r) => r.json<{ outcome: string }>().outcome).sort();
    expect(outcomes).toEqual([...Array(9).fill("already_applied"), "credited"].sort());
    const captures = await t.ctx.db
      .select()
      .from(journalEntries)
      .where(
        sql`${journalEntries.kind} = 'payment_captured' and ${journalEntries.referenceId} = ${share.payment.paymentId}`,
      );
    expect(captures).toHaveLength(1);
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(2);
    await expectLedgerConsistent(t);
  });

  it("refuses a bad or stale signature, records it and credits nothing", async () => {
    const share = await joined();
    const ref = await providerRefOf(share.payment.paymentId);
    await t.ctx.payments.sandbox.decide(ref, { approve: true, method: "ecocash" });
    const body = webhookBody(ref);
    const before = await databaseSnapshot(t);
    const forged = await sendWebhook(
      body,
      signSandboxPayload("someone-elses-secret-of-enough-length", body),
    );
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: "webhook_signature_invalid" });
    const stale = await sendWebhook(
      body,
      signSandboxPayload(t.ctx.config.sandboxSecret, body, Math.floor(Date.now() / 1000) - 3600),
    );
    expect(stale.statusCode).toBe(401);
    const unsigned = await t.app.inject({
      method: "POST",
      url: "/api/v1/payments/webhooks/sandbox",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(401);
    // The body changed after signing (the claimed status): refused too.
    const tampered = await sendWebhook(
      body.replace('"paid"', '"paid" '),
      signSandboxPayload(t.ctx.config.sandboxSecret, body),
    );
    expect(tampered.statusCode).toBe(401);
    expect(await databaseSnapshot(t)).toEqual(before);
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(0);
    const rejected = await t.ctx.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.signatureValid, false));
    expect(rejected.length).toBeGreaterThanOrEqual(4);
  });

  it("trusts the provider, not the webhook: a 'paid' claim for an unpaid transaction credits nothing", async () => {
    const share = await joined();
    const ref = await providerRefOf(share.payment.paymentId);
    const response = await sendWebhook(webhookBody(ref));
    expect(response.json()).toMatchObject({ outcome: "still_pending" });
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(0);
  });

  it("refuses a webhook for an unknown payment", async () => {
    const response = await sendWebhook(webhookBody("sbx_000000000000000000000000"));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "unknown_reference" });
  });

  it("refuses when the provider's amount or currency differ from the payment", async () => {
    const share = await joined();
    const ref = await providerRefOf(share.payment.paymentId);
    await t.ctx.payments.sandbox.decide(ref, { approve: true, method: "card" });
    await t.ctx.db
      .update(sandboxTransactions)
      .set({ amount: sql`${sandboxTransactions.amount} - 1` })
      .where(eq(sandboxTransactions.id, ref));
    const response = await sendWebhook(webhookBody(ref));
    expect(response.json()).toMatchObject({ status: 400, code: "webhook_mismatch" });
    await t.ctx.db
      .update(sandboxTransactions)
      .set({ amount: sql`${sandboxTransactions.amount} + 1`, currency: "ZWG" })
      .where(eq(sandboxTransactions.id, ref));
    expect((await sendWebhook(webhookBody(ref))).json()).toMatchObject({
      code: "webhook_mismatch",
    });
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(0);
    await expectLedgerConsistent(t);
  });

  it("loses nothing when the webhook never arrives or arrives after a crash", async () => {
    const share = await joined(4);
    await decideCheckout(t, share);
    // The app "crashed" before the webhook was delivered: the event waits in the outbox, and
    // polling the provider applies the payment meanwhile.
    await t.ctx.db
      .update(payments)
      .set({ updatedAt: sql`now() - interval '2 minutes'` })
      .where(eq(payments.id, share.payment.paymentId));
    expect(await pollPendingPayments(t.ctx)).toBeGreaterThanOrEqual(1);
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(4);
    // Now the queued webhook is finally delivered: applied once, no double credit.
    await t.drainOutbox();
    expect((await findGroup(t.ctx.db, share.groupId))?.paidQty).toBe(4);
    await expectLedgerConsistent(t);
  });
});
