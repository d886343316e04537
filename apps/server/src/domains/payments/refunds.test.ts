import type { TAdminRefund, TJoinGroupResponse } from "@cs/contracts";
import { auditLog, refunds } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader } from "../../../test/factories.ts";
import {
  buildGroup,
  expectLedgerConsistent,
  joinAndPay,
  passDeadline,
} from "../../../test/groups.ts";
import type { TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { createProviderTestApp, joinNew, waitForPayment } from "../../../test/payments.ts";
import { closeGroupIfDue, markRefundedGroups } from "../groups/close-group.ts";
import { findGroup } from "../groups/repo.ts";
import type { FlutterwaveFake } from "./fakes/flutterwave-fake.ts";
import { processDueRefunds } from "./refunds.ts";

let flutterwave: FlutterwaveFake;
let t: TestApp;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ t, flutterwave, close } = await createProviderTestApp());
});
afterAll(() => close());

async function payIn(
  groupId: string,
  how: "card" | "ecocash" | "sandbox",
): Promise<TJoinGroupResponse> {
  const trader = await buildTrader(t);
  if (how === "sandbox") {
    return joinAndPay(t, trader.authorization, groupId, 2);
  }
  const response = await send(t, "POST", `/api/v1/groups/${groupId}/join`, {
    headers: trader.authorization,
    body:
      how === "card"
        ? { quantity: 2, method: "card" }
        : { quantity: 2, method: "ecocash", phone: "0771111111" },
  });
  const joined = response.json<TJoinGroupResponse>();
  if (how === "card") {
    flutterwave.pay(joined.payment.paymentId);
  }
  await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
  return joined;
}

async function refundOf(participationId: string) {
  const [row] = await t.ctx.db
    .select()
    .from(refunds)
    .where(eq(refunds.participationId, participationId));
  if (!row) {
    throw new Error("no refund");
  }
  return row;
}

async function makeDue(refundId: string) {
  await t.ctx.db
    .update(refunds)
    .set({ nextAttemptAt: sql`now() - interval '1 second'` })
    .where(eq(refunds.id, refundId));
}

/** A group that expired with one payment through `how`; the payment's share and its refund. */
async function expiredWith(how: "card" | "ecocash") {
  const group = await buildGroup(t, { moq: 50 });
  const joined = await payIn(group.id, how);
  await passDeadline(t, group.id);
  await closeGroupIfDue(t.ctx, group.id);
  return { group, joined, refund: await refundOf(joined.participation.id) };
}

describe("refunds of an expired group", () => {
  it("go back through each provider the money came from; Paynow's wait for an admin", async () => {
    const group = await buildGroup(t, { moq: 50 });
    const byCard = await payIn(group.id, "card");
    const byEcocash = await payIn(group.id, "ecocash");
    const bySandbox = await payIn(group.id, "sandbox");
    await passDeadline(t, group.id);
    expect(await closeGroupIfDue(t.ctx, group.id)).toBe("expired");
    while ((await processDueRefunds(t.ctx)) > 0) {
      // until none is due
    }
    const card = await refundOf(byCard.participation.id);
    expect(card).toMatchObject({ status: "sent", amount: 2000 });
    expect(
      flutterwave.transactions().find((x) => x.tx_ref === byCard.payment.paymentId)?.refunded,
    ).toBe(20);
    expect((await refundOf(bySandbox.participation.id)).status).toBe("sent");
    const ecocash = await refundOf(byEcocash.participation.id);
    expect(ecocash).toMatchObject({ status: "manual" });
    expect(ecocash.lastError).toMatch(/no refund API/);
    await expectLedgerConsistent(t);
    expect(await markRefundedGroups(t.ctx)).toBe(0);

    // The admin sees it in the queue with the number to send it to, and sends it by hand.
    const admin = await buildAdmin(t);
    const queue = await send(t, "GET", "/api/v1/admin/refunds?status=manual&limit=100", {
      headers: admin.authorization,
    });
    const queued = queue.json<{ items: TAdminRefund[] }>().items.find((r) => r.id === ecocash.id);
    expect(queued).toMatchObject({ provider: "paynow", method: "ecocash", phone: "+263771111111" });
    const done = await send(t, "POST", `/api/v1/admin/refunds/${ecocash.id}/complete`, {
      headers: admin.authorization,
      body: { reference: "MP250908.1537.A22242", note: "Sent from the EcoCash merchant wallet" },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: "sent",
      providerRef: "MP250908.1537.A22242",
      resolvedBy: admin.id,
    });
    const [logged] = await t.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, ecocash.id));
    expect(logged).toMatchObject({ action: "refund.sent_manually", actorId: admin.id });
    await markRefundedGroups(t.ctx);
    expect((await findGroup(t.ctx.db, group.id))?.status).toBe("refunded");
    await expectLedgerConsistent(t);
  });

  it("retry a Flutterwave refund refused for low balance, then send it", async () => {
    const { refund } = await expiredWith("card");
    flutterwave.failRefunds(1);
    await processDueRefunds(t.ctx);
    const failed = await refundOf(refund.participationId);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.lastError).toMatch(/Insufficient available balance/);
    await expectLedgerConsistent(t);
    await makeDue(refund.id);
    await processDueRefunds(t.ctx);
    expect((await refundOf(refund.participationId)).status).toBe("sent");
    await expectLedgerConsistent(t);
  });

  it("never send a Flutterwave refund twice when an attempt may have gone through", async () => {
    const timedOut = await expiredWith("card");
    flutterwave.setFault({
      mode: "slow",
      ms: 600,
      paths: [`/v3/transactions/${flutterwave.transactions().at(-1)?.id}/refund`],
    });
    await processDueRefunds(t.ctx);
    flutterwave.setFault({ mode: "none" });
    const unsure = await refundOf(timedOut.refund.participationId);
    expect(unsure.status).toBe("manual");
    expect(unsure.lastError).toMatch(/may have gone through/);
    // A worker died mid-call: the refund is still pending after an attempt.
    const crashed = await expiredWith("card");
    await t.ctx.db.update(refunds).set({ attempts: 1 }).where(eq(refunds.id, crashed.refund.id));
    await processDueRefunds(t.ctx);
    const interrupted = await refundOf(crashed.refund.participationId);
    expect(interrupted.status).toBe("manual");
    expect(interrupted.lastError).toMatch(/interrupted/);
    expect(
      flutterwave.transactions().find((x) => x.tx_ref === crashed.joined.payment.paymentId)
        ?.refunded,
    ).toBe(0);
    await expectLedgerConsistent(t);
  });
});

describe("the admins' refund queue", () => {
  it("is for admins; only a superadmin acts on it, and only on refunds waiting for one", async () => {
    const { refund } = await expiredWith("ecocash");
    await processDueRefunds(t.ctx);
    const trader = await buildTrader(t);
    expectProblem(
      await send(t, "GET", "/api/v1/admin/refunds", { headers: trader.authorization }),
      403,
      "forbidden",
    );
    const moderator = await buildAdmin(t, "moderator");
    expect(
      (await send(t, "GET", "/api/v1/admin/refunds", { headers: moderator.authorization }))
        .statusCode,
    ).toBe(200);
    expectProblem(
      await send(t, "POST", `/api/v1/admin/refunds/${refund.id}/complete`, {
        headers: moderator.authorization,
        body: { reference: "x-123" },
      }),
      403,
      "forbidden",
    );
    const admin = await buildAdmin(t);
    const retried = await send(t, "POST", `/api/v1/admin/refunds/${refund.id}/retry`, {
      headers: admin.authorization,
    });
    expect(retried.json()).toMatchObject({ status: "failed", attempts: 0 });
    expectProblem(
      await send(t, "POST", `/api/v1/admin/refunds/${refund.id}/complete`, {
        headers: admin.authorization,
        body: { reference: "x-123" },
      }),
      409,
      "invalid_transition",
    );
    // Paynow still has no refund API: straight back to the queue.
    await processDueRefunds(t.ctx);
    expect((await refundOf(refund.participationId)).status).toBe("manual");
    await expectLedgerConsistent(t);
  });
});

describe("a share paid by Paynow in an open group", () => {
  it("is refunded by hand when the trader leaves", async () => {
    const joined = await joinNew(t, { method: "ecocash", phone: "0771111111" });
    await waitForPayment(t, joined.payment.paymentId, ["succeeded"]);
    const left = await send(t, "DELETE", `/api/v1/participations/${joined.participation.id}`, {
      headers: joined.trader,
    });
    expect(left.statusCode).toBe(200);
    await processDueRefunds(t.ctx);
    expect((await refundOf(joined.participation.id)).status).toBe("manual");
    await expectLedgerConsistent(t);
  });
});
