import type { TPayout } from "@cs/contracts";
import { journalEntries, payouts } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildAdmin } from "../../../test/factories.ts";
import { buildCompletedOrder, buildSupplierMember } from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import type { TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { createProviderTestApp, FAKE_FLUTTERWAVE, waitFor } from "../../../test/payments.ts";
import type { FlutterwaveFake } from "./fakes/flutterwave-fake.ts";
import { accounts, balance } from "./ledger.ts";
import { processDuePayouts } from "./payout-transfers.ts";

let t: TestApp;
let fake: FlutterwaveFake;
let close: () => Promise<void>;
let admin: BuiltUser;
let supplierId: string;

beforeAll(async () => {
  // Flutterwave's test mode: a reference ending in _PMCKDU_1 succeeds a (scaled) minute later.
  const app = await createProviderTestApp({
    env: { FLUTTERWAVE_TRANSFER_REF_SUFFIX: "_PMCKDU_1" },
  });
  ({ t, close } = app);
  fake = app.flutterwave;
  const order = await buildCompletedOrder(t);
  supplierId = order.group.supplierId;
  admin = await buildAdmin(t);
  const owner = await buildSupplierMember(t, supplierId);
  const account = await send(t, "PUT", `/api/v1/suppliers/${supplierId}/payout-destinations/USD`, {
    headers: owner.authorization,
    body: {
      kind: "bank",
      bankCode: "CBZBZWHX",
      bankName: "CBZ Bank",
      accountNumber: "01234567890",
      accountName: "Mbare Wholesale Foods",
    },
  });
  expect(account.statusCode, account.body).toBe(200);
});
afterAll(() => close());

async function payOut(amount: number): Promise<TPayout> {
  const response = await send(t, "POST", "/api/v1/admin/payouts", {
    headers: admin.authorization,
    body: { supplierId, currency: "USD", method: "flutterwave", amount },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TPayout>();
}

async function payoutRow(id: string) {
  const [row] = await t.ctx.db.select().from(payouts).where(eq(payouts.id, id));
  return row;
}

function entriesOf(id: string, kind: string) {
  return t.ctx.db
    .select()
    .from(journalEntries)
    .where(and(eq(journalEntries.referenceId, id), eq(journalEntries.kind, kind)));
}

describe("payouts by Flutterwave transfer", () => {
  it("sends the transfer, and the webhook delivered twice pays it once", async () => {
    fake.setCallbacks("twice");
    const payout = await payOut(4_000);
    const providerBefore = await balance(t.ctx.db, accounts.provider("flutterwave"), "USD");
    expect(await processDuePayouts(t.ctx)).toBe(1);
    const sent = await payoutRow(payout.id);
    expect(sent).toMatchObject({ status: "sent" });
    const [transfer] = fake.transfers().filter((tr) => tr.reference.startsWith(payout.id));
    expect(transfer).toMatchObject({
      reference: `${payout.id}_PMCKDU_1`,
      amount: 40,
      currency: "USD",
      bank_code: "CBZBZWHX",
      account_number: "01234567890",
    });
    expect(sent?.providerRef).toBe(String(transfer?.id));
    // A second sweep neither sends it again nor moves money while Flutterwave works on it.
    await processDuePayouts(t.ctx);
    expect(fake.transfers().filter((tr) => tr.reference.startsWith(payout.id))).toHaveLength(1);

    await waitFor(async () => (await payoutRow(payout.id))?.status === "paid", 5_000, "paid");
    // Let the duplicate land too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesOf(payout.id, "payout_paid")).toHaveLength(1);
    expect(await balance(t.ctx.db, accounts.provider("flutterwave"), "USD")).toBe(
      providerBefore - 4_000,
    );
    await expectLedgerConsistent(t);
    fake.setCallbacks("normal");
  });

  it("finds the outcome by asking Flutterwave when the webhook never comes", async () => {
    fake.setCallbacks("never");
    const payout = await payOut(1_000);
    await processDuePayouts(t.ctx);
    const [transfer] = fake.transfers().filter((tr) => tr.reference.startsWith(payout.id));
    await waitFor(async () => transfer?.status === "SUCCESSFUL", 5_000, "the fake's transfer");
    expect((await payoutRow(payout.id))?.status).toBe("sent");
    // As if its next check were due.
    await t.ctx.db
      .update(payouts)
      .set({ nextAttemptAt: sql`now() - interval '1 second'` })
      .where(eq(payouts.id, payout.id));
    await processDuePayouts(t.ctx);
    expect(await payoutRow(payout.id)).toMatchObject({ status: "paid" });
    expect(await entriesOf(payout.id, "payout_paid")).toHaveLength(1);
    fake.setCallbacks("normal");
  });

  it("gives the money back when Flutterwave refuses the transfer", async () => {
    const owner = await buildSupplierMember(t, supplierId);
    await send(t, "PUT", `/api/v1/suppliers/${supplierId}/payout-destinations/USD`, {
      headers: owner.authorization,
      body: {
        kind: "bank",
        bankCode: "044",
        bankName: "Blacklisted Bank",
        accountNumber: "0690000036",
        accountName: "Nobody",
      },
    });
    const before = -(await balance(t.ctx.db, accounts.supplierReleasable(supplierId), "USD"));
    const payout = await payOut(500);
    await processDuePayouts(t.ctx);
    const row = await payoutRow(payout.id);
    expect(row?.status).toBe("failed");
    expect(row?.lastError).toMatch(/blacklisted/);
    expect(-(await balance(t.ctx.db, accounts.supplierReleasable(supplierId), "USD"))).toBe(before);
    expect(await entriesOf(payout.id, "payout_failed")).toHaveLength(1);
    await expectLedgerConsistent(t);
  });

  it("never sends again when Flutterwave may have queued a transfer: a person checks", async () => {
    const payout = await payOut(700);
    fake.setFault({ mode: "slow", ms: 2_000 });
    await processDuePayouts(t.ctx);
    fake.setFault({ mode: "none" });
    const row = await payoutRow(payout.id);
    expect(row).toMatchObject({ status: "sent", providerRef: null });
    expect(row?.lastError).toMatch(/check Flutterwave/);
    const listed = await send(t, "GET", "/api/v1/admin/payouts?status=sent", {
      headers: admin.authorization,
    });
    const mine = listed.json<{ items: TPayout[] }>().items.find((p) => p.id === payout.id);
    expect(mine?.needsConfirmation).toBe(true);
    await t.ctx.db
      .update(payouts)
      .set({ nextAttemptAt: sql`now() - interval '1 second'` })
      .where(eq(payouts.id, payout.id));
    await processDuePayouts(t.ctx);
    const resolved = await send(t, "POST", `/api/v1/admin/payouts/${payout.id}/resolve`, {
      headers: admin.authorization,
      body: { outcome: "failed", reason: "not in Flutterwave's transfer list" },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: "failed" });
  });

  it("refuses a transfer webhook with a bad hash, and one about no payout of ours", async () => {
    const body = JSON.stringify({
      event: "transfer.completed",
      "event.type": "Transfer",
      data: { id: 1, reference: "0190aaaa-0000-7000-8000-000000000000", status: "SUCCESSFUL" },
    });
    const post = (hash: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/payments/webhooks/flutterwave",
        headers: { "content-type": "application/json", "verif-hash": hash },
        payload: body,
      });
    expect((await post("wrong")).statusCode).toBe(401);
    expectProblem(await post(FAKE_FLUTTERWAVE.webhookHash), 400, "unknown_reference");
  });
});
