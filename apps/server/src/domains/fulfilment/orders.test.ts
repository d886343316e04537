import { groups, localMessages, refunds, supplierOrders } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildSupplier } from "../../../test/factories.ts";
import { buildFundedOrder, buildSupplierMember } from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { findGroup } from "../groups/repo.ts";
import { accounts, balance } from "../payments/ledger.ts";
import { processDueRefunds } from "../payments/refunds.ts";
import { createOrderForGroup, lapseUnansweredOrders } from "./orders.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ ORDER_RESPONSE_HOURS: "24" }, { listen: true });
});
afterAll(() => t.close());

const body = { deliveryDate: "2026-08-01" };

async function sendAllRefunds() {
  while ((await processDueRefunds(t.ctx)) > 0) {
    // until none is due
  }
}

describe("the supplier order of a funded group", () => {
  it("is created once by the group.funded handler, with drops per pickup point", async () => {
    const funded = await buildFundedOrder(t);
    const owner = await buildSupplierMember(t, funded.group.supplierId);
    const response = await send(t, "GET", `/api/v1/orders/${funded.orderId}`, {
      headers: owner.authorization,
    });
    expect(response.statusCode, response.body).toBe(200);
    const order = response.json();
    expect(order).toMatchObject({
      status: "pending",
      quantity: 13,
      unitPrice: 920,
      gross: 13 * 920,
      commission: 1196,
      netToSupplier: 13 * 920 - 1196,
      participantCount: 3,
      group: { id: funded.group.id, status: "funded" },
      abilities: { accept: true, reject: true, dispatch: false },
    });
    expect(
      order.drops
        .map((d: { quantity: number }) => d.quantity)
        .sort((a: number, b: number) => a - b),
    ).toEqual([3, 10]);
    const hours = (Date.parse(order.respondBy) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    // Redelivering the event changes nothing.
    expect(await createOrderForGroup(t.ctx, funded.group.id)).toBe(funded.orderId);
    const rows = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.groupId, funded.group.id));
    expect(rows).toHaveLength(1);
    // The supplier was told by SMS.
    const texts = await t.ctx.db
      .select()
      .from(localMessages)
      .where(sql`body like ${`%${funded.group.code}%`}`);
    expect(texts.some((m) => m.body.includes("new order"))).toBe(true);
  });

  it("is accepted with a delivery date (group ordered), dispatched, then delivered", async () => {
    const funded = await buildFundedOrder(t);
    const manager = await buildSupplierMember(t, funded.group.supplierId, "manager");
    const url = `/api/v1/orders/${funded.orderId}`;
    const accepted = await send(t, "POST", `${url}/accept`, {
      headers: manager.authorization,
      body,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: "accepted",
      deliveryDate: "2026-08-01",
      group: { status: "ordered" },
    });
    const dispatched = await send(t, "POST", `${url}/dispatch`, {
      headers: manager.authorization,
      body: { trackingNote: "Truck ABC 1234, driver Tonde" },
    });
    expect(dispatched.json()).toMatchObject({
      status: "dispatched",
      trackingNote: "Truck ABC 1234, driver Tonde",
    });
    const delivered = await send(t, "POST", `${url}/deliver`, { headers: manager.authorization });
    expect(delivered.json()).toMatchObject({ status: "delivered" });
    expect(delivered.json().deliveredAt).not.toBeNull();
    // Illegal moves from here.
    expectProblem(
      await send(t, "POST", `${url}/accept`, { headers: manager.authorization, body }),
      409,
      "invalid_transition",
    );
    expectProblem(
      await send(t, "POST", `${url}/reject`, {
        headers: manager.authorization,
        body: { reason: "changed my mind" },
      }),
      409,
      "invalid_transition",
    );
    expectProblem(
      await send(t, "POST", `${url}/dispatch`, { headers: manager.authorization, body: {} }),
      409,
      "invalid_transition",
    );
    await expectLedgerConsistent(t);
  });

  it("cannot be dispatched or delivered before it is accepted", async () => {
    const funded = await buildFundedOrder(t);
    const admin = await buildAdmin(t);
    const url = `/api/v1/orders/${funded.orderId}`;
    expectProblem(
      await send(t, "POST", `${url}/dispatch`, { headers: admin.authorization, body: {} }),
      409,
      "invalid_transition",
    );
    expectProblem(
      await send(t, "POST", `${url}/deliver`, { headers: admin.authorization }),
      409,
      "invalid_transition",
    );
    // Admins may act for the supplier.
    const accepted = await send(t, "POST", `${url}/accept`, { headers: admin.authorization, body });
    expect(accepted.statusCode).toBe(200);
  });

  it("is invisible to another supplier, who cannot accept it (404), and to staff and traders (403)", async () => {
    const funded = await buildFundedOrder(t);
    const other = await buildSupplier(t);
    const url = `/api/v1/orders/${funded.orderId}`;
    expectProblem(await send(t, "GET", url, { headers: other.authorization }), 404, "not_found");
    expectProblem(
      await send(t, "POST", `${url}/accept`, { headers: other.authorization, body }),
      404,
      "not_found",
    );
    const list = await send(t, "GET", "/api/v1/orders", { headers: other.authorization });
    expect(list.json().items).toEqual([]);
    const staff = await buildSupplierMember(t, funded.group.supplierId, "staff");
    expectProblem(await send(t, "GET", url, { headers: staff.authorization }), 403, "forbidden");
    const trader = funded.traders[0]?.user.authorization ?? {};
    expectProblem(await send(t, "GET", url, { headers: trader }), 403, "forbidden");
    expect(
      (await t.ctx.db.select().from(supplierOrders).where(eq(supplierOrders.id, funded.orderId)))[0]
        ?.status,
    ).toBe("pending");
  });

  it("rejected with a reason cancels the group and refunds everyone in full", async () => {
    const funded = await buildFundedOrder(t);
    const owner = await buildSupplierMember(t, funded.group.supplierId);
    const payableBefore = await balance(
      t.ctx.db,
      accounts.supplierPayable(funded.group.supplierId),
      "USD",
    );
    const rejected = await send(t, "POST", `/api/v1/orders/${funded.orderId}/reject`, {
      headers: owner.authorization,
      body: { reason: "Out of stock after the floods" },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: "rejected",
      rejectionReason: "Out of stock after the floods",
      group: { status: "cancelled" },
    });
    // The supplier's payable for this group is gone; every trader has all their money coming back.
    expect(await balance(t.ctx.db, accounts.supplierPayable(funded.group.supplierId), "USD")).toBe(
      payableBefore + (13 * 920 - 1196),
    );
    for (const trader of funded.traders) {
      const rows = await t.ctx.db
        .select()
        .from(refunds)
        .where(eq(refunds.participationId, trader.joined.participation.id));
      const total = rows.reduce((sum, r) => sum + r.amount, 0);
      expect(total, "paid in full back").toBe(trader.joined.payment.amount);
    }
    await expectLedgerConsistent(t);
    await sendAllRefunds();
    await expectLedgerConsistent(t);
    await t.drainOutbox();
    const texts = await t.ctx.db
      .select()
      .from(localMessages)
      .where(eq(localMessages.recipient, funded.traders[0]?.user.phone ?? ""));
    expect(texts.some((m) => m.body.includes(funded.group.code))).toBe(true);
  });

  it("lapses unanswered after the response deadline: the group is cancelled and refunded, once", async () => {
    const funded = await buildFundedOrder(t);
    const owner = await buildSupplierMember(t, funded.group.supplierId);
    await t.ctx.db
      .update(supplierOrders)
      .set({ respondBy: sql`now() - interval '1 second'` })
      .where(eq(supplierOrders.id, funded.orderId));
    expectProblem(
      await send(t, "POST", `/api/v1/orders/${funded.orderId}/accept`, {
        headers: owner.authorization,
        body,
      }),
      409,
      "order_response_closed",
    );
    // Two workers sweep at once: one lapses it.
    const [a, b] = await Promise.all([lapseUnansweredOrders(t.ctx), lapseUnansweredOrders(t.ctx)]);
    expect((a ?? 0) + (b ?? 0)).toBeGreaterThanOrEqual(1);
    const [order] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, funded.orderId));
    expect(order?.status).toBe("lapsed");
    expect((await findGroup(t.ctx.db, funded.group.id))?.status).toBe("cancelled");
    expect(await lapseUnansweredOrders(t.ctx)).toBe(0);
    await expectLedgerConsistent(t);
    await sendAllRefunds();
    const [group] = await t.ctx.db.select().from(groups).where(eq(groups.id, funded.group.id));
    expect(group?.cancelReason).toMatch(/did not answer/);
    await expectLedgerConsistent(t);
  });
});
