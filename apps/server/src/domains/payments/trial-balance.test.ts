import type { TTrialBalance } from "@cs/contracts";
import { journalEntries, journalLines } from "@cs/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader } from "../../../test/factories.ts";
import { buildFundedOrder } from "../../../test/fulfilment.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { newId } from "../../platform/ids.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

const read = async (groupId?: string) => {
  const admin = await buildAdmin(t, "analyst");
  const response = await send(
    t,
    "GET",
    `/api/v1/admin/ledger/trial-balance${groupId ? `?groupId=${groupId}` : ""}`,
    { headers: admin.authorization },
  );
  expect(response.statusCode, response.body).toBe(200);
  return response.json<TTrialBalance>();
};

describe("GET /api/v1/admin/ledger/trial-balance", () => {
  it("balances after a funded group: debits equal credits, the escrow went to the supplier", async () => {
    const order = await buildFundedOrder(t);
    const balance = await read(order.group.id);
    expect(balance.unbalancedEntries).toBe(0);
    const usd = balance.currencies.find((c) => c.currency === "USD");
    expect(usd?.debits).toBeGreaterThan(0);
    expect(usd).toMatchObject({ net: 0, credits: usd?.debits });
    expect(balance.accounts).toEqual([
      { account: `escrow:${order.group.id}`, currency: "USD", balance: 0 },
    ]);
    const kinds = new Map(balance.byKind.map((k) => [k.kind, k.balance]));
    // 13 units at the final 9.20 tier: 119.60 gross, 10% commission.
    expect(kinds.get("supplier_payable")).toBe(-10764);
    expect(kinds.get("platform")).toBe(-1196);
    expect(kinds.get("provider")).toBeGreaterThanOrEqual(11960);
  });

  it("is for admins only", async () => {
    const trader = await buildTrader(t);
    expectProblem(
      await send(t, "GET", "/api/v1/admin/ledger/trial-balance", { headers: trader.authorization }),
      403,
      "forbidden",
    );
  });

  it("finds an entry whose lines do not sum to zero", async () => {
    const id = newId();
    await t.ctx.db
      .insert(journalEntries)
      .values({ id, kind: "test_broken", referenceType: "test", referenceId: id });
    await t.ctx.db.insert(journalLines).values({
      entryId: id,
      account: "provider:sandbox",
      currency: "USD",
      amount: 5,
    });
    const balance = await read();
    expect(balance.unbalancedEntries).toBe(1);
    expect(balance.currencies.find((c) => c.currency === "USD")?.net).toBe(5);
  });
});
