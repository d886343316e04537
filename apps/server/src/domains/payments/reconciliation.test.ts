import type { TMismatch } from "@cs/contracts";
import { auditLog, journalEntries, journalLines, payments, reconciliationRuns } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader } from "../../../test/factories.ts";
import { buildGroup, joinAndPay } from "../../../test/groups.ts";
import type { TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { createProviderTestApp, joinNew, waitForPayment } from "../../../test/payments.ts";
import { harareDay } from "./cash.ts";
import type { FlutterwaveFake } from "./fakes/flutterwave-fake.ts";
import type { PaynowFake } from "./fakes/paynow-fake.ts";
import { reconcileYesterday } from "./reconciliation.ts";

let t: TestApp;
let paynow: PaynowFake;
let flutterwave: FlutterwaveFake;
let close: () => Promise<void>;
let admin: Awaited<ReturnType<typeof buildAdmin>>;
const today = harareDay();

beforeAll(async () => {
  ({ t, paynow, flutterwave, close } = await createProviderTestApp());
  admin = await buildAdmin(t);
});
afterAll(() => close());

async function paidBy(how: "card" | "ecocash") {
  const joined = await joinNew(
    t,
    how === "card" ? { method: "card" } : { method: "ecocash", phone: "0771111111" },
  );
  if (how === "card") {
    flutterwave.pay(joined.payment.paymentId);
  }
  await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
  return joined.payment.paymentId;
}

async function runToday() {
  const response = await send(t, "POST", "/api/v1/admin/reconciliation/runs", {
    headers: admin.authorization,
    body: { from: today, to: today },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ id: string; checked: number; mismatches: number }>();
}

async function findingsOf(paymentIds: string[]): Promise<TMismatch[]> {
  const response = await send(t, "GET", "/api/v1/admin/reconciliation/mismatches?limit=100", {
    headers: admin.authorization,
  });
  return response
    .json<{ items: TMismatch[] }>()
    .items.filter((m) => m.paymentId && paymentIds.includes(m.paymentId));
}

describe("reconciliation with the providers", () => {
  it("reports what a provider disagrees on, each finding once, and lets an admin close it", async () => {
    const card = await paidBy("card");
    const ecocash = await paidBy("ecocash");
    const sandboxGroup = await buildGroup(t);
    const sandbox = (await joinAndPay(t, (await buildTrader(t)).authorization, sandboxGroup.id, 1))
      .payment.paymentId;
    // A payment we gave up on (timed out) that the trader approved after all.
    paynow.setCallbacks("never");
    const late = await joinNew(t, { method: "ecocash", phone: "0775555555" });
    await t.ctx.db
      .update(payments)
      .set({ status: "expired", failureReason: "timed_out" })
      .where(eq(payments.id, late.payment.paymentId));
    const ids = [card, ecocash, sandbox, late.payment.paymentId];

    const clean = await runToday();
    expect(clean.checked).toBeGreaterThanOrEqual(4);
    expect(await findingsOf(ids)).toEqual([]);

    paynow.settle(late.payment.paymentId, "Paid");
    const flw = flutterwave.transactions().find((x) => x.tx_ref === card);
    if (flw) {
      flw.status = "failed";
    }
    const pn = paynow.find(ecocash);
    if (pn) {
      pn.amount = "19.00";
    }
    await runToday();
    const found = await findingsOf(ids);
    expect(found.map((m) => [m.paymentId, m.kind, m.provider]).sort()).toEqual(
      [
        [card, "missing_at_provider", "flutterwave"],
        [ecocash, "amount_mismatch", "paynow"],
        [late.payment.paymentId, "missing_in_ledger", "paynow"],
      ].sort(),
    );
    expect(found.find((m) => m.kind === "amount_mismatch")).toMatchObject({
      expectedAmount: 2000,
      actualAmount: 1900,
      currency: "USD",
    });
    // The same disagreements tomorrow are not listed again.
    await runToday();
    expect(await findingsOf(ids)).toHaveLength(3);

    const target = found[0] as TMismatch;
    const resolved = await send(
      t,
      "POST",
      `/api/v1/admin/reconciliation/mismatches/${target.id}/resolve`,
      { headers: admin.authorization, body: { note: "Checked the provider's dashboard" } },
    );
    expect(resolved.json()).toMatchObject({ status: "resolved" });
    const [logged] = await t.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, target.id));
    expect(logged?.action).toBe("reconciliation.mismatch_resolved");
    expect(await findingsOf(ids)).toHaveLength(2);
    paynow.setCallbacks("normal");
  });

  it("reports a capture missing from the ledger and a share paid twice", async () => {
    const group = await buildGroup(t);
    const joined = await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 1);
    const [entry] = await t.ctx.db
      .select()
      .from(journalEntries)
      .where(eq(journalEntries.referenceId, joined.payment.paymentId));
    await t.ctx.db.delete(journalLines).where(eq(journalLines.entryId, entry?.id as string));
    await t.ctx.db.delete(journalEntries).where(eq(journalEntries.id, entry?.id as string));
    const twice = await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 1);
    const [first] = await t.ctx.db
      .select()
      .from(payments)
      .where(eq(payments.id, twice.payment.paymentId));
    const second = {
      ...first,
      id: "0190aaaa-0000-7000-8000-00000000abcd",
      providerRef: null,
    } as typeof payments.$inferInsert;
    await t.ctx.db.insert(payments).values(second);
    await runToday();
    const found = await findingsOf([
      joined.payment.paymentId,
      twice.payment.paymentId,
      second.id as string,
    ]);
    // The copy was never captured either: it is missing from the ledger too.
    expect(found.map((m) => m.kind).sort()).toEqual([
      "duplicated",
      "missing_in_ledger",
      "missing_in_ledger",
    ]);
  });
});

describe("POST /api/v1/admin/reconciliation/statements", () => {
  it("compares a provider's CSV statement with our payments", async () => {
    const paid = await paidBy("ecocash");
    const other = await paidBy("ecocash");
    const csv = [
      "Reference,Provider Reference,Amount,Currency,Status",
      `${paid},15655549,20.00,USD,Paid`,
      `${paid},15655549,20.00,USD,Paid`,
      `0190bbbb-0000-7000-8000-000000000001,15655600,5.00,USD,Paid`,
      `${other},15655601,25.00,USD,Awaiting Delivery`,
      `"ignored, cancelled",1,1.00,USD,Cancelled`,
    ].join("\r\n");
    const response = await send(t, "POST", "/api/v1/admin/reconciliation/statements", {
      headers: admin.authorization,
      body: { provider: "paynow", csv, from: today, to: today },
    });
    expect(response.statusCode, response.body).toBe(200);
    const run = response.json<{ id: string; checked: number }>();
    expect(run.checked).toBe(4);
    const listed = await send(
      t,
      "GET",
      "/api/v1/admin/reconciliation/mismatches?provider=paynow&limit=100",
      {
        headers: admin.authorization,
      },
    );
    const ofRun = listed.json<{ items: TMismatch[] }>().items.filter((m) => m.runId === run.id);
    const kinds = ofRun.map(
      (m) =>
        `${m.kind}:${m.paymentId === paid ? "paid" : m.paymentId === other ? "other" : (m.paymentId ?? "unknown")}`,
    );
    expect(kinds).toContain("duplicated:paid");
    expect(kinds).toContain("missing_in_ledger:unknown");
    expect(kinds).toContain("amount_mismatch:other");
    // Paynow payments paid today that the statement does not list are missing there.
    expect(ofRun.filter((m) => m.kind === "missing_at_provider").length).toBeGreaterThanOrEqual(1);
    expect(
      ofRun.some(
        (m) => m.kind === "missing_at_provider" && (m.paymentId === paid || m.paymentId === other),
      ),
    ).toBe(false);

    const bad = await send(t, "POST", "/api/v1/admin/reconciliation/statements", {
      headers: admin.authorization,
      body: { provider: "paynow", csv: "reference,total\nx,1" },
    });
    expectProblem(bad, 400, "validation_failed");
    const unreadable = await send(t, "POST", "/api/v1/admin/reconciliation/statements", {
      headers: admin.authorization,
      body: { provider: "paynow", csv: "reference,amount\nx,one dollar" },
    });
    expect(expectProblem(unreadable, 400, "validation_failed")).toEqual(["csv.line 2"]);
  });

  it("is for superadmins", async () => {
    const trader = await buildTrader(t);
    expectProblem(
      await send(t, "GET", "/api/v1/admin/reconciliation/mismatches", {
        headers: trader.authorization,
      }),
      403,
      "forbidden",
    );
    const analyst = await buildAdmin(t, "analyst");
    expect(
      (
        await send(t, "GET", "/api/v1/admin/reconciliation/runs", {
          headers: analyst.authorization,
        })
      ).statusCode,
    ).toBe(200);
    expectProblem(
      await send(t, "POST", "/api/v1/admin/reconciliation/runs", {
        headers: analyst.authorization,
        body: {},
      }),
      403,
      "forbidden",
    );
  });
});

describe("the daily reconciliation job", () => {
  it("reconciles yesterday once, however many workers look", async () => {
    await Promise.all([reconcileYesterday(t.ctx), reconcileYesterday(t.ctx)]);
    await reconcileYesterday(t.ctx);
    const daily = await t.ctx.db
      .select()
      .from(reconciliationRuns)
      .where(sql`${reconciliationRuns.source} = 'daily'`);
    expect(daily).toHaveLength(1);
    expect(daily[0]?.finishedAt).not.toBeNull();
  });
});
