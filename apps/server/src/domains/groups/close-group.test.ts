import { refunds } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import {
  buildGroup,
  expectLedgerConsistent,
  join,
  joinAndPay,
  passDeadline,
} from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { accounts, balance } from "../payments/ledger.ts";
import { processDueRefunds, REFUND_MAX_ATTEMPTS } from "../payments/refunds.ts";
import { closeDueGroups, closeGroupIfDue, markRefundedGroups } from "./close-group.ts";
import { findGroup } from "./repo.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

async function refundsOf(participationId: string) {
  return t.ctx.db.select().from(refunds).where(eq(refunds.participationId, participationId));
}

describe("closing a group at its deadline", () => {
  it("funds it: everyone pays the final tier, the difference comes back, the supplier is owed 90%", async () => {
    const group = await buildGroup(t, { moq: 10 });
    const [a, b, c] = [await buildTrader(t), await buildTrader(t), await buildTrader(t)];
    const first = await joinAndPay(t, a.authorization, group.id, 5); // pays 10.00 a unit
    // Each pays the tier in force when they pay: 5 were paid, still 10.00; then 15 paid, 9.20.
    const second = await joinAndPay(t, b.authorization, group.id, 10);
    const third = await joinAndPay(t, c.authorization, group.id, 6);
    const unpaid = await join(t, (await buildTrader(t)).authorization, group.id, 2);
    expect(unpaid.statusCode).toBe(201);
    await passDeadline(t, group.id);
    expect(await closeDueGroups(t.ctx)).toBeGreaterThanOrEqual(1);
    const closed = await findGroup(t.ctx.db, group.id);
    expect(closed).toMatchObject({
      status: "funded",
      finalUnitPrice: 850,
      heldQty: 0,
      paidQty: 21,
    });
    expect((await refundsOf(first.participation.id)).map((r) => [r.amount, r.reason])).toEqual([
      [750, "tier_adjustment"],
    ]);
    expect((await refundsOf(second.participation.id)).map((r) => r.amount)).toEqual([1500]);
    expect((await refundsOf(third.participation.id)).map((r) => r.amount)).toEqual([420]);
    const gross = 21 * 850;
    expect(await balance(t.ctx.db, accounts.supplierPayable(group.supplierId), "USD")).toBe(
      -(gross - 1785),
    );
    expect(await balance(t.ctx.db, accounts.escrow(group.id), "USD")).toBe(0);
    await expectLedgerConsistent(t);
    // Refunds go out through the provider, and the books follow.
    while ((await processDueRefunds(t.ctx)) > 0) {
      // until none is due
    }
    expect((await refundsOf(first.participation.id))[0]?.status).toBe("sent");
    await expectLedgerConsistent(t);
  });

  it("expires it below the MOQ and refunds everyone in full, then marks it refunded", async () => {
    const group = await buildGroup(t, { moq: 50 });
    const a = await buildTrader(t);
    const paid = await joinAndPay(t, a.authorization, group.id, 7);
    await passDeadline(t, group.id);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBe("expired");
    expect(
      (await refundsOf(paid.participation.id)).map((r) => [r.amount, r.reason, r.status]),
    ).toEqual([[7000, "group_expired", "pending"]]);
    await expectLedgerConsistent(t);
    expect(await markRefundedGroups(t.ctx)).toBe(0);
    while ((await processDueRefunds(t.ctx)) > 0) {
      // until none is due
    }
    await markRefundedGroups(t.ctx);
    expect((await findGroup(t.ctx.db, group.id))?.status).toBe("refunded");
    await expectLedgerConsistent(t);
  });

  it("closes a group once when two workers sweep at the same moment", async () => {
    const group = await buildGroup(t, { moq: 2 });
    await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 3);
    await passDeadline(t, group.id);
    const results = await Promise.all([
      closeGroupIfDue(t.ctx, group.id),
      closeGroupIfDue(t.ctx, group.id),
    ]);
    expect(results.filter((r) => r === "funded")).toHaveLength(1);
    await expectLedgerConsistent(t);
  });

  it("leaves an open group alone before its deadline", async () => {
    const group = await buildGroup(t);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBeNull();
    expect((await findGroup(t.ctx.db, group.id))?.status).toBe("open");
  });
});

describe("refunds", () => {
  it("retry with backoff while the provider is down, and wait for an admin after six failures", async () => {
    const group = await buildGroup(t, { moq: 50 });
    const paid = await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 2);
    await passDeadline(t, group.id);
    await closeGroupIfDue(t.ctx, group.id);
    const [refund] = await refundsOf(paid.participation.id);
    t.ctx.payments.sandbox.simulateOutage(1);
    await processDueRefunds(t.ctx);
    const [failed] = await refundsOf(paid.participation.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed?.lastError).toMatch(/unavailable/);
    expect(failed?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    await expectLedgerConsistent(t);
    // Due again: now it goes through.
    await t.ctx.db
      .update(refunds)
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(refunds.id, refund?.id as string));
    await processDueRefunds(t.ctx);
    expect((await refundsOf(paid.participation.id))[0]?.status).toBe("sent");
    // A refund that keeps failing ends in the admin queue.
    const other = await buildGroup(t, { moq: 50 });
    const second = await joinAndPay(t, (await buildTrader(t)).authorization, other.id, 1);
    await passDeadline(t, other.id);
    await closeGroupIfDue(t.ctx, other.id);
    for (let i = 0; i < REFUND_MAX_ATTEMPTS; i++) {
      t.ctx.payments.sandbox.simulateOutage(1);
      await t.ctx.db
        .update(refunds)
        .set({ nextAttemptAt: new Date(Date.now() - 1000) })
        .where(eq(refunds.participationId, second.participation.id));
      await processDueRefunds(t.ctx);
    }
    t.ctx.payments.sandbox.simulateOutage(0);
    expect((await refundsOf(second.participation.id))[0]?.status).toBe("manual");
    await expectLedgerConsistent(t);
  });
});

describe("POST /api/v1/groups/:id/cancel", () => {
  it("lets the supplier's admin cancel an open group and refunds everyone who paid", async () => {
    const group = await buildGroup(t);
    const paid = await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 4);
    const { buildAdmin } = await import("../../../test/factories.ts");
    const admin = await buildAdmin(t, "moderator");
    const trader = await buildTrader(t);
    const refused = await t.app.inject({
      method: "POST",
      url: `/api/v1/groups/${group.id}/cancel`,
      headers: { ...trader.authorization, "content-type": "application/json" },
      payload: JSON.stringify({ reason: "stock ran out" }),
    });
    expect(refused.statusCode).toBe(403);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/v1/groups/${group.id}/cancel`,
      headers: { ...admin.authorization, "content-type": "application/json" },
      payload: JSON.stringify({ reason: "stock ran out" }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "cancelled", endedBy: "cancellation" });
    expect((await refundsOf(paid.participation.id)).map((r) => [r.amount, r.reason])).toEqual([
      [4000, "group_cancelled"],
    ]);
    const again = await t.app.inject({
      method: "POST",
      url: `/api/v1/groups/${group.id}/cancel`,
      headers: { ...admin.authorization, "content-type": "application/json" },
      payload: JSON.stringify({ reason: "twice" }),
    });
    expect(again.json()).toMatchObject({ status: 409, code: "invalid_transition" });
    await expectLedgerConsistent(t);
  });
});
