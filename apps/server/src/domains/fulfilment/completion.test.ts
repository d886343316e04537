import {
  disputes,
  invoices,
  localMessages,
  notifications,
  participations,
  pickupCredentials,
  refunds,
  supplierOrders,
} from "@cs/db";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSupplier } from "../../../test/factories.ts";
import {
  buildAcceptedOrder,
  buildDeliveredOrder,
  buildSupplierMember,
  collectAll,
  myPickups,
  receive,
} from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { findGroup } from "../groups/repo.ts";
import { accounts, balance } from "../payments/ledger.ts";
import { processDueRefunds } from "../payments/refunds.ts";
import { closePickupWindows } from "./completion.ts";
import { formatMoney, includedVat } from "./invoices.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ VAT_RATE_BPS: "1500" }, { listen: true });
});
afterAll(() => t.close());

async function sendRefunds() {
  while ((await processDueRefunds(t.ctx)) > 0) {
    // until none is due
  }
}

const net = 13 * 920 - 1196;

describe("completing a group", () => {
  it("when the last unit is collected: completed, the payable releasable in the ledger, the invoice issued", async () => {
    const order = await buildDeliveredOrder(t);
    const supplierId = order.group.supplierId;
    const releasableBefore = await balance(
      t.ctx.db,
      accounts.supplierReleasable(supplierId),
      "USD",
    );
    await collectAll(t, order);
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("completed");
    expect(await balance(t.ctx.db, accounts.supplierReleasable(supplierId), "USD")).toBe(
      releasableBefore - net,
    );
    const shares = await t.ctx.db
      .select()
      .from(participations)
      .where(eq(participations.groupId, order.group.id));
    expect(shares.map((s) => s.status)).toEqual(["collected", "collected", "collected"]);
    await expectLedgerConsistent(t);

    const owner = await buildSupplierMember(t, supplierId);
    const payables = await send(t, "GET", `/api/v1/suppliers/${supplierId}/payables`, {
      headers: owner.authorization,
    });
    expect(payables.statusCode, payables.body).toBe(200);
    const mine = payables
      .json()
      .items.find((p: { groupId: string }) => p.groupId === order.group.id);
    expect(mine).toMatchObject({ gross: 13 * 920, commission: 1196, net, state: "releasable" });
    expect(payables.json().totals[0].releasable).toBeGreaterThanOrEqual(net);
    // Another supplier cannot read them.
    const other = await buildSupplier(t);
    expectProblem(
      await send(t, "GET", `/api/v1/suppliers/${supplierId}/payables`, {
        headers: other.authorization,
      }),
      404,
      "not_found",
    );

    const pdf = await send(t, "GET", `/api/v1/orders/${order.orderId}/invoice`, {
      headers: owner.authorization,
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.headers["content-disposition"]).toMatch(/CS-\d{6}\.pdf/);
    const [invoice] = await t.ctx.db
      .select()
      .from(invoices)
      .where(eq(invoices.orderId, order.orderId));
    expect(invoice?.snapshot).toMatchObject({
      lines: [{ quantity: 13, unitPrice: 920, amount: 13 * 920 }],
      subtotal: 13 * 920,
      commission: 1196,
      vatRateBps: 1500,
      vat: includedVat(13 * 920, 1500),
      total: 13 * 920,
      netToSupplier: net,
    });
    const shown = await send(t, "GET", `/api/v1/orders/${order.orderId}`, {
      headers: owner.authorization,
    });
    expect(shown.json()).toMatchObject({
      invoice: { number: expect.stringMatching(/^CS-/) },
      abilities: { invoice: true },
    });
  });

  it("numbers invoices one after another without gaps, and has none before completion", async () => {
    const first = await buildDeliveredOrder(t);
    const second = await buildDeliveredOrder(t);
    expectProblem(
      await send(t, "GET", `/api/v1/orders/${first.orderId}/invoice`, {
        headers: first.admin.authorization,
      }),
      409,
      "invoice_not_issued",
    );
    await Promise.all([collectAll(t, first), collectAll(t, second)]);
    const rows = await t.ctx.db
      .select({ number: invoices.number })
      .from(invoices)
      .orderBy(invoices.number);
    const numbers = rows.map((r) => r.number);
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 1) + i));
    expect(numbers[0]).toBe(1);
  });

  it("at the end of the pickup window with shares uncollected: an admin extends it, then refunds the rest less costs", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    // One trader collects part of their share; the others nothing.
    const part = await send(t, "POST", "/api/v1/pickup/handovers", {
      headers: agent?.authorization ?? {},
      body: { code: order.pickups[1]?.shortCode, quantity: 2 },
    });
    expect(part.statusCode).toBe(200);
    const closeWindow = async () => {
      await t.ctx.db
        .update(pickupCredentials)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(pickupCredentials.groupId, order.group.id));
      await t.ctx.db
        .update(supplierOrders)
        .set({ pickupClosesAt: sql`now() - interval '1 second'` })
        .where(eq(supplierOrders.id, order.orderId));
      expect(await closePickupWindows(t.ctx)).toBeGreaterThanOrEqual(1);
      const [open] = await t.ctx.db
        .select()
        .from(disputes)
        .where(sql`${disputes.orderId} = ${order.orderId} and ${disputes.status} = 'open'`);
      expect(open?.kind).toBe("uncollected");
      return open?.id as string;
    };
    const first = await closeWindow();
    expect(await closePickupWindows(t.ctx)).toBe(0);
    const resolve = (id: string, body: unknown) =>
      send(t, "POST", `/api/v1/admin/disputes/${id}/resolve`, {
        headers: order.admin.authorization,
        body,
      });
    expectProblem(
      await resolve(first, { resolution: "refund_shortfall" }),
      400,
      "validation_failed",
    );
    const extended = await resolve(first, { resolution: "extend", extendDays: 3 });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json()).toMatchObject({ status: "resolved", resolution: "extend" });
    expectProblem(await resolve(first, { resolution: "extend" }), 409, "invalid_transition");
    const [again] = await myPickups(t, order.traders[0]?.user ?? order.admin);
    expect(again?.status).toBe("live");
    expect(Date.parse(again?.expiresAt ?? "")).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    await t.drainOutbox();

    const second = await closeWindow();
    const payableBefore = await balance(
      t.ctx.db,
      accounts.supplierPayable(order.group.supplierId),
      "USD",
    );
    const refunded = await resolve(second, {
      resolution: "refund",
      costBps: 1000,
      note: "storage and handling",
    });
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("completed");
    // 11 units were not collected (4 + 4 + 3): their value leaves the supplier's payable, the
    // traders get it back less 10%, which the platform keeps.
    const [row] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(row).toMatchObject({ gross: 2 * 920, collectableQty: 2, collectedQty: 2 });
    const back = await t.ctx.db
      .select()
      .from(refunds)
      .where(
        inArray(
          refunds.participationId,
          order.traders.map((tr) => tr.joined.participation.id),
        ),
      );
    const uncollected = back
      .filter((r) => r.reason === "uncollected")
      .map((r) => r.amount)
      .sort((a, b) => a - b);
    expect(uncollected).toEqual([3 * 828, 4 * 828, 4 * 828]);
    // The group's whole payable left `supplier_payable`: 9,108 reversed, 1,656 released.
    expect(
      (await balance(t.ctx.db, accounts.supplierPayable(order.group.supplierId), "USD")) -
        payableBefore,
    ).toBe(net);
    expect(row?.gross).toBe(2 * 920);
    expect(row?.commission).toBe(1196 - 368 - 368 - 276);
    await expectLedgerConsistent(t);
    await sendRefunds();
    await expectLedgerConsistent(t);
  });
});

describe("a short delivery", () => {
  it("opens a dispute, tells the traders there, and is settled by refunding the shortfall to the latest payers", async () => {
    const order = await buildAcceptedOrder(t);
    const short = await receive(t, order, 0, 7);
    expect(short.statusCode, short.body).toBe(200);
    const disputeId = short.json().disputeId as string;
    expect(short.json()).toMatchObject({
      credentialsIssued: 0,
      delivery: { status: "short", receivedQty: 7 },
    });
    await t.drainOutbox();
    const told = await t.ctx.db
      .select()
      .from(localMessages)
      .where(eq(localMessages.recipient, order.traders[1]?.user.phone ?? ""));
    expect(told.some((m) => m.body.includes(order.group.code))).toBe(true);
    const list = await send(t, "GET", "/api/v1/admin/disputes?status=open&kind=short_delivery", {
      headers: order.admin.authorization,
    });
    expect(list.json().items.map((d: { id: string }) => d.id)).toContain(disputeId);
    expect(list.json().items.find((d: { id: string }) => d.id === disputeId)).toMatchObject({
      details: { ordered: 10, received: 7 },
      resolutions: ["refund_shortfall", "redelivered"],
    });
    // The other point receives in full meanwhile; the group waits for the admin.
    await receive(t, order, 1);
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("ordered");
    const settled = await send(t, "POST", `/api/v1/admin/disputes/${disputeId}/resolve`, {
      headers: order.admin.authorization,
      body: { resolution: "refund_shortfall" },
    });
    expect(settled.statusCode, settled.body).toBe(200);
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("delivered");
    // The traders at that point are told it was resolved, and pointed at their group.
    await t.drainOutbox();
    const resolvedNotices = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, "dispute_resolved"));
    for (const trader of order.traders.filter((tr) => tr.point === order.points[0])) {
      expect(
        resolvedNotices.find((n) => n.userId === trader.user.id),
        "a trader at the short point is told",
      ).toMatchObject({ link: `/groups/${order.group.id}` });
    }
    // The first payer (4) gets all of theirs; the second (6) gets the 3 left, and 3 refunded.
    const first = await myPickups(t, order.traders[0]?.user ?? order.admin);
    const second = await myPickups(t, order.traders[1]?.user ?? order.admin);
    expect(first[0]?.quantity).toBe(4);
    expect(second[0]?.quantity).toBe(3);
    const back = await t.ctx.db
      .select()
      .from(refunds)
      .where(eq(refunds.participationId, order.traders[1]?.joined.participation.id ?? ""));
    expect(back.filter((r) => r.reason === "short_delivery").map((r) => r.amount)).toEqual([
      3 * 920,
    ]);
    const [row] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(row).toMatchObject({ gross: 10 * 920, collectableQty: 10, status: "received" });
    await expectLedgerConsistent(t);
    await sendRefunds();
    await expectLedgerConsistent(t);
  });

  it("settled as redelivered gives everyone their full share", async () => {
    const order = await buildAcceptedOrder(t, [[5, 0]]);
    const short = await receive(t, order, 0, 0);
    const settled = await send(
      t,
      "POST",
      `/api/v1/admin/disputes/${short.json().disputeId}/resolve`,
      {
        headers: order.admin.authorization,
        body: { resolution: "redelivered", note: "The rest came on Tuesday's truck" },
      },
    );
    expect(settled.statusCode, settled.body).toBe(200);
    expect((await myPickups(t, order.traders[0]?.user ?? order.admin))[0]?.quantity).toBe(5);
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("delivered");
    await expectLedgerConsistent(t);
  });
});

describe("money formatting", () => {
  it("uses integers only", () => {
    expect(formatMoney(123456789, "USD")).toBe("USD 1,234,567.89");
    expect(formatMoney(-5, "ZWG")).toBe("ZWG -0.05".replace("ZWG -", "-ZWG "));
    expect(includedVat(11500, 1500)).toBe(1500);
  });
});
