import type { TJoinGroupResponse } from "@cs/contracts";
import {
  groups,
  journalEntries,
  outboxEvents,
  payments,
  refunds,
  sandboxTransactions,
  webhookEvents,
} from "@cs/db";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import {
  buildGroup,
  buildTraders,
  decideCheckout,
  expectLedgerConsistent,
  join,
} from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";
import type { AppError } from "../../platform/errors.ts";
import { findGroup } from "../groups/repo.ts";
import { applyWebhooks } from "./apply-batch.ts";
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

  it("applies webhooks that arrive together each as it would have been applied alone", async () => {
    const group = await buildGroup(t);
    const shares: TJoinGroupResponse[] = [];
    for (const trader of await buildTraders(t, 4)) {
      const response = await join(t, trader.authorization, group.id, 4);
      shares.push(response.json<TJoinGroupResponse>());
    }
    const late = await joined(2);
    const refs = await Promise.all(
      [...shares, late].map((share) => providerRefOf(share.payment.paymentId)),
    );
    const [a, b, c, declined, lateRef] = refs as [string, string, string, string, string];
    for (const ref of [a, b, c, lateRef]) {
      await t.ctx.payments.sandbox.decide(ref, { approve: true, method: "ecocash" });
    }
    await t.ctx.payments.sandbox.decide(declined, { approve: false, method: "ecocash" });
    // The late payment's group was cancelled while its trader was still at the checkout.
    await t.ctx.db.update(groups).set({ status: "cancelled" }).where(eq(groups.id, late.groupId));

    const provider = t.ctx.payments.providers.sandbox;
    const events = [a, b, a, c, declined, lateRef, "sbx_000000000000000000000001"].map((ref) => {
      const body = webhookBody(ref);
      const signature = signSandboxPayload(t.ctx.config.sandboxSecret, body);
      return provider?.parseWebhook({ [SANDBOX_SIGNATURE_HEADER]: signature }, body);
    });
    const outcomes = async () =>
      (await applyWebhooks(t.ctx, "sandbox", events as NonNullable<(typeof events)[number]>[])).map(
        (r) => (r.ok ? r.value : (r.error as AppError).code),
      );
    expect(await outcomes()).toEqual([
      "credited",
      "credited",
      "already_applied",
      "credited",
      "failed",
      "late_refunded",
      "unknown_reference",
    ]);

    // Three shares of 4 paid: 12 units reach the 10-unit tier; the declined share stays held.
    expect(await findGroup(t.ctx.db, group.id)).toMatchObject({
      paidQty: 12,
      heldQty: 4,
      paidParticipants: 3,
      currentUnitPrice: 920,
    });
    const paymentIds = [...shares, late].map((share) => share.payment.paymentId);
    const statuses = await t.ctx.db
      .select({ id: payments.id, status: payments.status })
      .from(payments)
      .where(inArray(payments.id, paymentIds));
    expect(paymentIds.map((id) => statuses.find((p) => p.id === id)?.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "failed",
      "succeeded",
    ]);
    const captures = await t.ctx.db
      .select({ ref: journalEntries.referenceId })
      .from(journalEntries)
      .where(
        sql`${journalEntries.kind} = 'payment_captured' and ${inArray(journalEntries.referenceId, paymentIds)}`,
      );
    expect(captures.map((row) => row.ref).sort()).toEqual(
      [paymentIds[0], paymentIds[1], paymentIds[2], paymentIds[4]].sort(),
    );
    const [refund] = await t.ctx.db
      .select()
      .from(refunds)
      .where(eq(refunds.paymentId, late.payment.paymentId));
    expect(refund).toMatchObject({ reason: "late_payment", amount: 2 * 1000 });
    // One "tier reached" message and one price-drop notice for the group, not one per payment.
    const notices = await t.ctx.db
      .select({ topic: outboxEvents.topic, payload: outboxEvents.payload })
      .from(outboxEvents)
      .where(
        sql`${outboxEvents.payload}->>'subjectId' = ${group.id} or ${outboxEvents.payload}->>'groupId' = ${group.id}`,
      );
    expect(notices.filter((n) => n.topic === "chat.system")).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ key: "tier:10" }) }),
    ]);
    expect(notices.filter((n) => n.payload.kind === "tier_dropped")).toHaveLength(1);
    const recorded = await t.ctx.db
      .select({ key: webhookEvents.eventKey, outcome: webhookEvents.outcome })
      .from(webhookEvents)
      .where(
        inArray(
          webhookEvents.eventKey,
          refs.map((ref) => `evt_${ref}_paid`),
        ),
      );
    expect(recorded).toHaveLength(5);

    // All of them again: nothing changes.
    expect(await outcomes()).toEqual([
      ...Array(5).fill("already_applied"),
      "already_applied",
      "unknown_reference",
    ]);
    expect((await findGroup(t.ctx.db, group.id))?.paidQty).toBe(12);
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
