import type { TPayout, TPayoutBalance } from "@cs/contracts";
import { auditLog, payouts } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildAdmin, buildSupplier, buildTrader } from "../../../test/factories.ts";
import { buildCompletedOrder, buildSupplierMember } from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { accounts, balance } from "./ledger.ts";
import { csvField } from "./payout-files.ts";

let t: TestApp;
let admin: BuiltUser;
let owner: BuiltUser;
let supplierId: string;
/** What one completed group releases to its supplier: 13 × 9.20 less 10%. */
const NET = 13 * 920 - 1196;

const ECOCASH = {
  kind: "mobile_money",
  bankName: "EcoCash",
  accountNumber: "263772000001",
  accountName: "Mbare Wholesale Foods",
};

beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  const order = await buildCompletedOrder(t);
  supplierId = order.group.supplierId;
  admin = await buildAdmin(t);
  owner = await buildSupplierMember(t, supplierId, "owner");
});
afterAll(() => t.close());

async function balanceOf(id = supplierId): Promise<TPayoutBalance | undefined> {
  const response = await send(t, "GET", "/api/v1/admin/payouts/balances", {
    headers: admin.authorization,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ items: TPayoutBalance[] }>()
    .items.find((b) => b.supplierId === id && b.currency === "USD");
}

function pay(body: Record<string, unknown>, who: BuiltUser = admin) {
  return send(t, "POST", "/api/v1/admin/payouts", {
    headers: who.authorization,
    body: { supplierId, currency: "USD", method: "file", ...body },
  });
}

function setAccount(body: unknown, who: BuiltUser = owner, id = supplierId) {
  return send(t, "PUT", `/api/v1/suppliers/${id}/payout-destinations/USD`, {
    headers: who.authorization,
    body,
  });
}

describe("payout destinations", () => {
  it("are set by the supplier's owner, read by its managers, and hidden from everyone else", async () => {
    expectProblem(await pay({ amount: 100 }), 409, "payout_destination_missing");

    const manager = await buildSupplierMember(t, supplierId, "manager");
    expectProblem(await setAccount(ECOCASH, manager), 403, "forbidden");
    const other = await buildSupplier(t);
    expectProblem(await setAccount(ECOCASH, other.owner), 404, "not_found");
    const trader = await buildTrader(t);
    expectProblem(await setAccount(ECOCASH, trader), 403, "forbidden");
    const fields = expectProblem(
      await setAccount({ ...ECOCASH, accountNumber: "07720-ABC" }),
      400,
      "validation_failed",
    );
    expect(fields).toContain("accountNumber");
    expectProblem(
      await setAccount({ ...ECOCASH, kind: "bank", bankName: "CBZ", bankCode: "cbz!" }),
      400,
      "validation_failed",
    );

    const set = await setAccount(ECOCASH);
    expect(set.statusCode, set.body).toBe(200);
    // A wallet is paid through the mobile-money code, whatever the form said.
    expect(set.json()).toMatchObject({ kind: "mobile_money", bankCode: "MPS", currency: "USD" });

    const read = await send(t, "GET", `/api/v1/suppliers/${supplierId}/payout-destinations`, {
      headers: manager.authorization,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toEqual([
      expect.objectContaining({ accountNumber: "263772000001", accountName: ECOCASH.accountName }),
    ]);
    expectProblem(
      await send(t, "GET", `/api/v1/suppliers/${supplierId}/payout-destinations`, {
        headers: other.owner.authorization,
      }),
      404,
      "not_found",
    );
    const [audited] = await t.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "payout_destination.set"));
    expect(audited?.subjectId).toBe(supplierId);
  });
});

describe("POST /api/v1/admin/payouts", () => {
  it("takes a payout out of the releasable balance, never more than it, and once under a race", async () => {
    const before = await balanceOf();
    expect(before?.available).toBeGreaterThanOrEqual(NET);
    expect(before?.hasDestination).toBe(true);
    const available = before?.available ?? 0;

    expectProblem(await pay({ amount: available + 1 }), 409, "payout_exceeds_balance");
    expectProblem(await pay({ amount: 0 }), 400, "validation_failed");
    expectProblem(await pay({ amount: 12.5 }), 400, "validation_failed");
    expectProblem(await pay({ method: "flutterwave" }), 409, "payout_method_unavailable");
    expectProblem(await pay({}, owner), 403, "forbidden");
    const analyst = await buildAdmin(t, "analyst");
    expectProblem(await pay({}, analyst), 403, "forbidden");
    expect((await balanceOf())?.available).toBe(available);

    // Two admins pay out the whole balance at once: one payout, the other refused.
    const results = await Promise.all([pay({}), pay({})]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409]);
    const made = results.find((r) => r.statusCode === 201)?.json<TPayout>();
    expect(made).toMatchObject({
      amount: available,
      status: "pending",
      method: "file",
      destination: { kind: "mobile_money", accountNumber: "263772000001" },
    });
    expect(await balanceOf()).toMatchObject({ available: 0, inPayout: available });
    expect(await balance(t.ctx.db, accounts.supplierReleasable(supplierId), "USD")).toBe(0);
    await expectLedgerConsistent(t);
  });
});

describe("payout files", () => {
  it("exports waiting file payouts as CSV once, then an admin confirms each line paid or bounced", async () => {
    // Release another group's money, then take it in two payouts.
    await buildCompletedOrder(t);
    const first = (await pay({ amount: 5_000 })).json<TPayout>();
    const second = (await pay({})).json<TPayout>();
    expect(second.amount).toBe(NET - 5_000);
    // The account changes after the payouts were made: they keep the account they were made for.
    expect((await setAccount({ ...ECOCASH, accountNumber: "263772999999" })).statusCode).toBe(200);

    const exported = await send(t, "POST", "/api/v1/admin/payouts/export?currency=USD", {
      headers: admin.authorization,
    });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = exported.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "reference,supplier,account_name,kind,bank_code,bank_name,account_number,amount,currency,narration",
    );
    // The two new payouts and the one left from the race, each once.
    expect(lines).toHaveLength(4);
    const line = lines.find((l) => l.startsWith(first.id));
    expect(line).toContain(",mobile_money,MPS,EcoCash,263772000001,50.00,USD,");

    const again = await send(t, "POST", "/api/v1/admin/payouts/export?currency=USD", {
      headers: admin.authorization,
    });
    expectProblem(again, 404, "not_found");
    const exportId = String(exported.headers["x-payout-export-id"]);
    const copy = await send(t, "GET", `/api/v1/admin/payouts/exports/${exportId}`, {
      headers: admin.authorization,
    });
    expect(copy.body).toBe(exported.body);

    const sent = await send(t, "GET", "/api/v1/admin/payouts?status=sent", {
      headers: admin.authorization,
    });
    expect(sent.json<{ items: TPayout[] }>().items.map((p) => p.needsConfirmation)).toEqual([
      true,
      true,
      true,
    ]);

    const resolve = (id: string, body: unknown) =>
      send(t, "POST", `/api/v1/admin/payouts/${id}/resolve`, {
        headers: admin.authorization,
        body,
      });
    const paid = await resolve(first.id, { outcome: "paid", reference: "ECO-TX-88121" });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: "paid", providerRef: "ECO-TX-88121" });
    expectProblem(
      await resolve(first.id, { outcome: "failed", reason: "changed my mind" }),
      409,
      "invalid_transition",
    );
    const bounced = await resolve(second.id, { outcome: "failed", reason: "wallet closed" });
    expect(bounced.json()).toMatchObject({ status: "failed", lastError: "wallet closed" });

    // The bounced amount is back to be paid again; the paid one left our bank account.
    const after = await balanceOf();
    expect(after?.available).toBe(second.amount);
    expect(after?.paidOut).toBe(5_000);
    expect(await balance(t.ctx.db, accounts.bankSettlement, "USD")).toBe(-5_000);
    const [row] = await t.ctx.db.select().from(payouts).where(eq(payouts.id, first.id));
    expect(row?.resolvedBy).toBe(admin.id);
    await expectLedgerConsistent(t);
  });

  it("shows a supplier its own payouts and balances only", async () => {
    const mine = await send(t, "GET", `/api/v1/suppliers/${supplierId}/payouts`, {
      headers: owner.authorization,
    });
    expect(mine.statusCode, mine.body).toBe(200);
    const body = mine.json<{ items: TPayout[]; balances: TPayoutBalance[] }>();
    expect(body.items.length).toBeGreaterThanOrEqual(3);
    expect(body.items.every((p) => p.supplierId === supplierId)).toBe(true);
    expect(body.balances).toEqual([expect.objectContaining({ supplierId, currency: "USD" })]);
    const other = await buildSupplier(t);
    expectProblem(
      await send(t, "GET", `/api/v1/suppliers/${supplierId}/payouts`, {
        headers: other.owner.authorization,
      }),
      404,
      "not_found",
    );
  });
});

describe("csvField", () => {
  it("quotes separators and defuses what a spreadsheet would run as a formula", () => {
    expect(csvField("Mbare Foods")).toBe("Mbare Foods");
    expect(csvField('Moyo, "Big" Traders')).toBe('"Moyo, ""Big"" Traders"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+263")).toBe("'+263");
    expect(csvField("@sum")).toBe("'@sum");
    expect(csvField("a\nb")).toBe('"a\nb"');
  });
});
