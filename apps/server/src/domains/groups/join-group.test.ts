import type { TJoinGroupResponse } from "@cs/contracts";
import { groups, participations } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import {
  buildGroup,
  buildTraders,
  decideCheckout,
  expectLedgerConsistent,
  join,
  joinAndPay,
} from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import { AppError } from "../../platform/errors.ts";
import { lapseReservations } from "./close-group.ts";
import { joinMany } from "./join-group.ts";
import { findGroup } from "./repo.ts";

function actorOf(trader: { id: string }): Actor {
  return { id: trader.id, role: "trader", staffRole: null, phoneVerified: true, language: "en" };
}

function problemCode(outcome: { ok: boolean; error?: unknown } | undefined): string | undefined {
  return outcome && !outcome.ok && outcome.error instanceof AppError
    ? outcome.error.code
    : undefined;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

describe("POST /api/v1/groups/:id/join", () => {
  it("reserves the quantity for the hold and opens a sandbox checkout at the current tier price", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const response = await join(t, trader.authorization, group.id, 3);
    expect(response.statusCode).toBe(201);
    const body = response.json<TJoinGroupResponse>();
    expect(body.participation).toMatchObject({ status: "reserved", quantity: 3 });
    expect(body.payment).toMatchObject({
      status: "pending",
      amount: 3000,
      currency: "USD",
      provider: "sandbox",
    });
    expect(body.payment.checkoutUrl).toMatch(/\/sandbox\/checkout\/sbx_/);
    const holdMinutes = (Date.parse(body.participation.holdExpiresAt) - Date.now()) / 60_000;
    expect(holdMinutes).toBeGreaterThan(14);
    expect((await findGroup(t.ctx.db, group.id))?.heldQty).toBe(3);
    const page = await t.app.inject({ url: new URL(body.payment.checkoutUrl ?? "").pathname });
    expect(page.body).toContain("EcoCash");
    expect(page.body).toContain("US$30.00");
    await expectLedgerConsistent(t);
  });

  it("sends the trader back to the host they came from", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/v1/groups/${group.id}/join`,
      headers: {
        ...trader.authorization,
        host: "phone-test.local:3000",
        "content-type": "application/json",
      },
      payload: JSON.stringify({ quantity: 1 }),
    });
    const checkoutUrl = response.json<TJoinGroupResponse>().payment.checkoutUrl ?? "";
    expect(checkoutUrl.startsWith("http://phone-test.local:3000/sandbox/checkout/sbx_")).toBe(true);
    const decided = await t.app.inject({
      method: "POST",
      url: new URL(checkoutUrl).pathname,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "method=card&decision=approve",
    });
    expect(decided.headers.location).toMatch(
      new RegExp(`^http://phone-test\\.local:3000/groups/${group.id}\\?payment=`),
    );
  });

  it("credits the group when the trader approves: paid quantity, tier price, escrow", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const joined = await joinAndPay(t, trader.authorization, group.id, 12);
    const after = await findGroup(t.ctx.db, group.id);
    expect(after).toMatchObject({
      paidQty: 12,
      heldQty: 0,
      paidParticipants: 1,
      currentUnitPrice: 920,
    });
    const [share] = await t.ctx.db
      .select()
      .from(participations)
      .where(eq(participations.id, joined.participation.id));
    expect(share).toMatchObject({ status: "paid", amountPaid: 12_000, unitPricePaid: 1000 });
    const detail = await t.app.inject({
      url: `/api/v1/groups/${group.id}`,
      headers: trader.authorization,
    });
    expect(detail.json()).toMatchObject({
      paidQty: 12,
      progressPercent: 120,
      nextTier: { minQty: 20, unitPrice: 850, unitsToGo: 8 },
      myParticipation: { status: "paid" },
    });
    await expectLedgerConsistent(t);
  });

  it("leaves the reservation waiting when the trader declines, and lets them try again", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const joined = (await join(t, trader.authorization, group.id, 2)).json<TJoinGroupResponse>();
    await decideCheckout(t, joined, false);
    await t.drainOutbox();
    const payment = await t.app.inject({
      url: `/api/v1/payments/${joined.payment.paymentId}`,
      headers: trader.authorization,
    });
    expect(payment.json()).toMatchObject({ status: "failed" });
    expect((await findGroup(t.ctx.db, group.id))?.paidQty).toBe(0);
    const retry = await t.app.inject({
      method: "POST",
      url: `/api/v1/participations/${joined.participation.id}/pay`,
      headers: { ...trader.authorization, "content-type": "application/json" },
      payload: "{}",
    });
    expect(retry.statusCode).toBe(200);
    await decideCheckout(t, { ...joined, payment: retry.json() });
    await t.drainOutbox();
    expect((await findGroup(t.ctx.db, group.id))?.paidQty).toBe(2);
    await expectLedgerConsistent(t);
  });

  it.each([
    ["zero", 0, 400, "validation_failed"],
    ["negative", -2, 400, "validation_failed"],
    ["fractional", 1.5, 400, "validation_failed"],
    ["above the per-trader max", 6, 400, "quantity_out_of_range"],
    ["below the per-trader min", 1, 400, "quantity_out_of_range"],
  ])("refuses a %s quantity and changes nothing", async (_label, quantity, status, code) => {
    const group = await buildGroup(t, { minPerTrader: 2, maxPerTrader: 5 });
    const trader = await buildTrader(t);
    const before = await databaseSnapshot(t);
    const response = await join(t, trader.authorization, group.id, quantity);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("refuses more than the cap leaves, and says how much is left", async () => {
    const group = await buildGroup(t, { cap: 20 });
    const [a, b] = [await buildTrader(t), await buildTrader(t)];
    expect((await join(t, a.authorization, group.id, 15)).statusCode).toBe(201);
    const before = await databaseSnapshot(t);
    const response = await join(t, b.authorization, group.id, 6);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: "group_full", detail: "Only 5 left" });
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("refuses closed, expired and draft groups, and a second join by the same trader", async () => {
    const trader = await buildTrader(t);
    const draft = await buildGroup(t, { open: false });
    expect((await join(t, trader.authorization, draft.id, 1)).json()).toMatchObject({
      status: 404,
      code: "not_found",
    });
    const closed = await buildGroup(t);
    await t.ctx.db.update(groups).set({ status: "funded" }).where(eq(groups.id, closed.id));
    expect((await join(t, trader.authorization, closed.id, 1)).json()).toMatchObject({
      code: "group_not_open",
    });
    const late = await buildGroup(t);
    await t.ctx.db
      .update(groups)
      .set({ deadline: sql`now() - interval '1 second'` })
      .where(eq(groups.id, late.id));
    expect((await join(t, trader.authorization, late.id, 1)).json()).toMatchObject({
      code: "group_not_open",
    });
    const open = await buildGroup(t);
    expect((await join(t, trader.authorization, open.id, 1)).statusCode).toBe(201);
    const again = await join(t, trader.authorization, open.id, 1);
    expect(again.json()).toMatchObject({ status: 409, code: "already_joined" });
    expect((await findGroup(t.ctx.db, open.id))?.heldQty).toBe(1);
  });

  it("is for traders only", async () => {
    const group = await buildGroup(t);
    const { buildAdmin } = await import("../../../test/factories.ts");
    const admin = await buildAdmin(t);
    expect((await join(t, admin.authorization, group.id, 1)).statusCode).toBe(403);
  });

  it("never sells past the cap when 200 traders join at once", async () => {
    const group = await buildGroup(t, { moq: 10, cap: 50 });
    const traders = await buildTraders(t, 200);
    const responses = await Promise.all(
      traders.map((trader) => join(t, trader.authorization, group.id, 1)),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(50);
    expect(codes.filter((c) => c === 409)).toHaveLength(150);
    const after = await findGroup(t.ctx.db, group.id);
    expect(after?.heldQty).toBe(50);
    const live = await t.ctx.db
      .select()
      .from(participations)
      .where(eq(participations.groupId, group.id));
    expect(live).toHaveLength(50);
    await expectLedgerConsistent(t);
  });
});

describe("joins written together", () => {
  it("judges each join of a batch on its own: room in order, duplicates, bad quantities", async () => {
    const group = await buildGroup(t, { moq: 5, cap: 6, maxPerTrader: 4 });
    const actors = (await buildTraders(t, 4)).map(actorOf) as [Actor, Actor, Actor, Actor];
    const [first, again, tooMany, big, small] = await joinMany(t.ctx, [
      { actor: actors[0], groupId: group.id, quantity: 3, via: {} },
      { actor: actors[0], groupId: group.id, quantity: 1, via: {} },
      { actor: actors[1], groupId: group.id, quantity: 5, via: {} },
      { actor: actors[2], groupId: group.id, quantity: 4, via: {} },
      { actor: actors[3], groupId: group.id, quantity: 3, via: {} },
    ]);
    expect(first?.ok).toBe(true);
    expect(problemCode(again)).toBe("already_joined");
    expect(problemCode(tooMany)).toBe("quantity_out_of_range");
    // 3 of 6 are taken by the first join: 4 does not fit, and the 3 after it still do.
    expect(problemCode(big)).toBe("group_full");
    expect(small?.ok).toBe(true);
    const after = await findGroup(t.ctx.db, group.id);
    expect(after?.heldQty).toBe(6);
    const shares = await t.ctx.db
      .select()
      .from(participations)
      .where(eq(participations.groupId, group.id));
    expect(shares.map((s) => s.quantity).sort()).toEqual([3, 3]);
    await expectLedgerConsistent(t);
  });

  it("never sells past either cap when batches over two groups race each other", async () => {
    const one = await buildGroup(t, { moq: 10, cap: 30 });
    const two = await buildGroup(t, { moq: 10, cap: 45 });
    const traders = await buildTraders(t, 120);
    // Eight batches, as eight server processes would send them, each touching both groups in
    // a different order.
    const batches = Array.from({ length: 8 }, (_, b) =>
      traders.slice(b * 15, b * 15 + 15).flatMap((trader, i) => {
        const groupIds = (b + i) % 2 === 0 ? [one.id, two.id] : [two.id, one.id];
        return groupIds.map((groupId) => ({
          actor: actorOf(trader),
          groupId,
          quantity: 1,
          via: {},
        }));
      }),
    );
    const outcomes = (await Promise.all(batches.map((batch) => joinMany(t.ctx, batch)))).flat();
    expect(outcomes.filter((o) => o.ok)).toHaveLength(75);
    expect(outcomes.filter((o) => !o.ok).map(problemCode)).toEqual(
      Array.from({ length: 165 }, () => "group_full"),
    );
    expect((await findGroup(t.ctx.db, one.id))?.heldQty).toBe(30);
    expect((await findGroup(t.ctx.db, two.id))?.heldQty).toBe(45);
    await expectLedgerConsistent(t);
  });
});

describe("changing and leaving", () => {
  it("returns a lapsed reservation to the pool, and refuses to pay for it", async () => {
    const group = await buildGroup(t, { cap: 10 });
    const trader = await buildTrader(t);
    const joined = (await join(t, trader.authorization, group.id, 10)).json<TJoinGroupResponse>();
    await t.ctx.db
      .update(participations)
      .set({ holdExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(participations.id, joined.participation.id));
    expect(await lapseReservations(t.ctx)).toBeGreaterThanOrEqual(1);
    expect((await findGroup(t.ctx.db, group.id))?.heldQty).toBe(0);
    const retry = await t.app.inject({
      method: "POST",
      url: `/api/v1/participations/${joined.participation.id}/pay`,
      headers: { ...trader.authorization, "content-type": "application/json" },
      payload: "{}",
    });
    expect(retry.json()).toMatchObject({ status: 409, code: "reservation_lapsed" });
    const other = await buildTrader(t);
    expect((await join(t, other.authorization, group.id, 10)).statusCode).toBe(201);
  });

  it("refunds a paid trader who lowers the quantity or leaves, and reprices the group", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const joined = await joinAndPay(t, trader.authorization, group.id, 12);
    expect((await findGroup(t.ctx.db, group.id))?.currentUnitPrice).toBe(920);
    const lower = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/participations/${joined.participation.id}`,
      headers: { ...trader.authorization, "content-type": "application/json" },
      payload: JSON.stringify({ quantity: 8 }),
    });
    expect(lower.statusCode).toBe(200);
    expect(lower.json()).toMatchObject({
      participation: { quantity: 8, amountRefunded: 4000 },
      payment: null,
    });
    expect(await findGroup(t.ctx.db, group.id)).toMatchObject({
      paidQty: 8,
      currentUnitPrice: 1000,
    });
    const raise = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/participations/${joined.participation.id}`,
      headers: { ...trader.authorization, "content-type": "application/json" },
      payload: JSON.stringify({ quantity: 9 }),
    });
    expect(raise.json()).toMatchObject({ code: "quantity_increase_not_allowed" });
    const leave = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/participations/${joined.participation.id}`,
      headers: trader.authorization,
    });
    expect(leave.json()).toMatchObject({
      status: "refunded",
      amountPaid: 12_000,
      amountRefunded: 12_000,
    });
    expect(await findGroup(t.ctx.db, group.id)).toMatchObject({ paidQty: 0, paidParticipants: 0 });
    await expectLedgerConsistent(t);
  });

  it("hides another trader's participation", async () => {
    const group = await buildGroup(t);
    const [a, b] = [await buildTrader(t), await buildTrader(t)];
    const joined = (await join(t, a.authorization, group.id, 1)).json<TJoinGroupResponse>();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/participations/${joined.participation.id}`,
      headers: b.authorization,
    });
    expect(response.statusCode).toBe(404);
  });
});
