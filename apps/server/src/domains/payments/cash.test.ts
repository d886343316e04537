import type { TCashDepositRule, TJoinGroupResponse } from "@cs/contracts";
import { cashCommitments, payments } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader, buildUser } from "../../../test/factories.ts";
import {
  buildGroup,
  expectLedgerConsistent,
  join,
  joinAndPay,
  passDeadline,
} from "../../../test/groups.ts";
import type { TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import {
  createProviderTestApp,
  paymentRow,
  shareRow,
  waitForPayment,
} from "../../../test/payments.ts";
import { closeGroupIfDue } from "../groups/close-group.ts";
import { findGroup } from "../groups/repo.ts";
import { cashDueAtPickup, cashReconciliation, harareDay, recordCashAtPickup } from "./cash.ts";
import { accounts, balance } from "./ledger.ts";
import { pollPendingPayments } from "./poll-payments.ts";

let t: TestApp;
let close: () => Promise<void>;
let admin: Awaited<ReturnType<typeof buildAdmin>>;
let agent: Awaited<ReturnType<typeof buildUser>>;

beforeAll(async () => {
  ({ t, close } = await createProviderTestApp());
  admin = await buildAdmin(t);
  agent = await buildUser(t, { role: "pickup_agent" });
});
afterAll(() => close());

async function setRule(rule: TCashDepositRule) {
  const response = await send(t, "PUT", "/api/v1/admin/payments/cash-deposit-rule", {
    headers: admin.authorization,
    body: rule,
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function joinInCash(groupId: string, quantity: number, extra: Record<string, unknown> = {}) {
  const trader = await buildTrader(t);
  const response = await join(t, trader.authorization, groupId, quantity, {
    method: "cash",
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return { trader, joined: response.json<TJoinGroupResponse>() };
}

describe("the cash deposit rule", () => {
  it("is 10% by mobile money until a superadmin changes it; everyone may read it", async () => {
    const open = await send(t, "GET", "/api/v1/payments/cash-deposit-rule");
    expect(open.json()).toEqual({ rule: { mode: "deposit", percentBps: 1000 } });
    const moderator = await buildAdmin(t, "moderator");
    expectProblem(
      await send(t, "PUT", "/api/v1/admin/payments/cash-deposit-rule", {
        headers: moderator.authorization,
        body: { mode: "none" },
      }),
      403,
      "forbidden",
    );
    await setRule({ mode: "deposit", percentBps: 500 });
    const view = await send(t, "GET", "/api/v1/admin/payments/cash-deposit-rule", {
      headers: moderator.authorization,
    });
    expect(view.json()).toMatchObject({
      rule: { mode: "deposit", percentBps: 500 },
      updatedBy: admin.id,
    });
    expectProblem(
      await send(t, "PUT", "/api/v1/admin/payments/cash-deposit-rule", {
        headers: admin.authorization,
        body: { mode: "deposit", percentBps: 0 },
      }),
      400,
      "validation_failed",
    );
  });
});

describe("cash at pickup with no deposit", () => {
  it("holds the share at once, owes the final price in cash, and takes it at handover once", async () => {
    await setRule({ mode: "none" });
    // 1–9 units at 10.00, 10+ at 9.20: the cash trader joins at 10.00, the group ends at 9.20.
    const group = await buildGroup(t, { moq: 10 });
    const { joined } = await joinInCash(group.id, 4);
    expect(joined.participation.status).toBe("paid");
    expect(joined.payment).toMatchObject({
      provider: "cash",
      method: "cash",
      purpose: "cash_at_pickup",
      status: "pending",
      checkoutUrl: null,
    });
    expect((await findGroup(t.ctx.db, group.id))?.paidQty).toBe(4);
    await expectLedgerConsistent(t);
    await joinAndPay(t, (await buildTrader(t)).authorization, group.id, 6);
    await passDeadline(t, group.id);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBe("funded");
    // Escrow holds the online money only; the cash share is owed to the group.
    expect(await balance(t.ctx.db, accounts.cashReceivable(group.id), "USD")).toBe(3680);
    await expectLedgerConsistent(t);

    const share = joined.participation;
    expect(await cashDueAtPickup(t.ctx.db, share.id)).toMatchObject({
      amount: 3680,
      currency: "USD",
    });
    const at = { participationId: share.id, agentId: agent.id, pickupPointId: share.pickupPointId };
    await expect(recordCashAtPickup(t.ctx, { ...at, amount: 4000 })).rejects.toMatchObject({
      code: "cash_amount_mismatch",
    });
    const collected = await recordCashAtPickup(t.ctx, { ...at, amount: 3680 });
    expect(collected).toMatchObject({
      amount: 3680,
      recorded: true,
      paymentId: joined.payment.paymentId,
    });
    expect(await paymentRow(t, joined.payment.paymentId)).toMatchObject({
      status: "succeeded",
      amount: 3680,
    });
    expect((await shareRow(t, share.id)).amountPaid).toBe(3680);
    expect(await balance(t.ctx.db, accounts.cashReceivable(group.id), "USD")).toBe(0);
    expect(
      await balance(t.ctx.db, accounts.cash(share.pickupPointId), "USD"),
    ).toBeGreaterThanOrEqual(3680);
    // The offline manifest syncs the same handover again: nothing moves twice.
    expect(await recordCashAtPickup(t.ctx, { ...at, amount: 3680 })).toMatchObject({
      recorded: false,
    });
    expect(await balance(t.ctx.db, accounts.cashReceivable(group.id), "USD")).toBe(0);
    await expectLedgerConsistent(t);

    // The day's reconciliation for that pickup point: recorded vs counted.
    const day = harareDay();
    const before = await cashReconciliation(t.ctx.db, day, share.pickupPointId);
    const recorded = before.items.find((i) => i.currency === "USD");
    expect(recorded).toMatchObject({
      collections: 1,
      collected: 3680,
      counted: null,
      difference: null,
    });
    const counted = await send(t, "POST", "/api/v1/admin/cash/counts", {
      headers: admin.authorization,
      body: {
        pickupPointId: share.pickupPointId,
        day,
        currency: "USD",
        countedAmount: 3600,
        note: "80c short",
      },
    });
    expect(counted.json().items[0]).toMatchObject({
      collected: 3680,
      counted: 3600,
      difference: -80,
    });
    const listed = await send(t, "GET", `/api/v1/admin/cash/reconciliation?day=${day}`, {
      headers: admin.authorization,
    });
    expect(
      listed
        .json()
        .items.some((i: { pickupPointId: string }) => i.pickupPointId === share.pickupPointId),
    ).toBe(true);
  });

  it("refuses cash before the group is funded, at another pickup point, and cancels the waiting payment if the share ends", async () => {
    await setRule({ mode: "none" });
    const group = await buildGroup(t, { moq: 50 });
    const { joined } = await joinInCash(group.id, 2);
    const share = joined.participation;
    const at = { participationId: share.id, agentId: agent.id, amount: 2000 };
    await expect(
      recordCashAtPickup(t.ctx, { ...at, pickupPointId: share.pickupPointId }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
    await passDeadline(t, group.id);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBe("expired");
    await pollPendingPayments(t.ctx);
    expect((await paymentRow(t, joined.payment.paymentId)).status).toBe("cancelled");
    const [ended] = await t.ctx.db
      .select()
      .from(cashCommitments)
      .where(eq(cashCommitments.participationId, share.id));
    expect(ended?.status).toBe("cancelled");
    await expectLedgerConsistent(t);
    const other = await buildGroup(t, { moq: 2 });
    const second = await joinInCash(other.id, 2);
    await passDeadline(t, other.id);
    await closeGroupIfDue(t.ctx, other.id);
    await expect(
      recordCashAtPickup(t.ctx, {
        participationId: second.joined.participation.id,
        agentId: agent.id,
        amount: 2000,
        pickupPointId: "00000000-0000-7000-8000-000000000000",
      }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
  });
});

describe("cash at pickup with a deposit", () => {
  it("takes the deposit by EcoCash first, then the rest in cash", async () => {
    await setRule({ mode: "deposit", percentBps: 1000 });
    const group = await buildGroup(t, { moq: 2 });
    const { joined } = await joinInCash(group.id, 2, { phone: "0771111111" });
    expect(joined.participation.status).toBe("reserved");
    expect(joined.payment).toMatchObject({
      provider: "paynow",
      method: "ecocash",
      purpose: "cash_deposit",
      amount: 200,
      phone: "077****111",
    });
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    const share = await shareRow(t, joined.participation.id);
    expect(share).toMatchObject({ status: "paid", amountPaid: 200 });
    const [commitment] = await t.ctx.db
      .select()
      .from(cashCommitments)
      .where(eq(cashCommitments.participationId, share.id));
    expect(commitment).toMatchObject({ status: "committed", depositBps: 1000 });
    await passDeadline(t, group.id);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBe("funded");
    await expectLedgerConsistent(t);
    const collected = await recordCashAtPickup(t.ctx, {
      participationId: share.id,
      agentId: agent.id,
      pickupPointId: share.pickupPointId,
      amount: 1800,
    });
    expect(collected.recorded).toBe(true);
    const cash = await t.ctx.db
      .select()
      .from(payments)
      .where(eq(payments.participationId, share.id));
    expect(cash.map((p) => [p.purpose, p.status, p.amount]).sort()).toEqual([
      ["cash_at_pickup", "succeeded", 1800],
      ["cash_deposit", "succeeded", 200],
    ]);
    await expectLedgerConsistent(t);
  });

  it("refuses cash for a share whose deposit was never paid", async () => {
    await setRule({ mode: "deposit", percentBps: 1000 });
    const group = await buildGroup(t, { moq: 2 });
    const { joined } = await joinInCash(group.id, 2, { phone: "0774444444" });
    expect(joined.payment).toMatchObject({
      status: "failed",
      failureReason: "insufficient_balance",
    });
    await expect(
      recordCashAtPickup(t.ctx, {
        participationId: joined.participation.id,
        agentId: agent.id,
        pickupPointId: joined.participation.pickupPointId,
        amount: 1800,
      }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
  });
});
