import { randomBytes } from "node:crypto";
import type { TManifest, TMyPickup } from "@cs/contracts";
import { localMessages, pickupCredentials, supplierOrders } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildTrader, buildUser } from "../../../test/factories.ts";
import {
  buildAcceptedOrder,
  buildDeliveredOrder,
  buildPickupAgent,
  myPickups,
  receive,
} from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { findGroup } from "../groups/repo.ts";
import { cashDueAtPickup } from "../payments/cash.ts";
import { accounts, balance } from "../payments/ledger.ts";
import { AGENT_FAILURE_LIMIT, CODE_FAILURE_LIMIT, POINT_FAILURE_LIMIT } from "./attempts.ts";
import { confirmHandovers } from "./handover-batch.ts";
import { openToken, sealToken } from "./tokens.ts";

let t: TestApp;
const pushed: Array<{ to: string; event: string; payload: unknown }> = [];
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  const real = t.ctx.realtime;
  if (real) {
    // Record what reaches the sockets, and still send it.
    t.ctx.realtime = {
      toUser: (userId, event, payload) => {
        pushed.push({ to: `user:${userId}`, event, payload });
        real.toUser(userId, event, payload);
      },
      toGroup: (groupId, event, payload) => {
        pushed.push({ to: `group:${groupId}`, event, payload });
        real.toGroup(groupId, event, payload);
      },
      toAdmins: (event, payload) => real.toAdmins(event, payload),
      toRoom: (room, event, payload) => real.toRoom(room, event, payload),
      close: () => real.close(),
    };
  }
});
afterAll(() => t.close());

const verify = (agent: { authorization: { authorization: string } }, body: unknown) =>
  send(t, "POST", "/api/v1/pickup/verify", { headers: agent.authorization, body });
const handover = (agent: { authorization: { authorization: string } }, body: unknown) =>
  send(t, "POST", "/api/v1/pickup/handovers", { headers: agent.authorization, body });

describe("receiving a delivery at the pickup point", () => {
  it("in full issues each trader there a credential (QR token + 8-digit code, also by SMS); all points in: delivered", async () => {
    const order = await buildAcceptedOrder(t);
    const first = await receive(t, order, 0);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      credentialsIssued: 2,
      disputeId: null,
      delivery: { status: "received", receivedQty: 10, condition: "good" },
    });
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("ordered");
    await t.drainOutbox();
    const trader = order.traders[0];
    const [mine] = await myPickups(t, trader?.user ?? order.admin);
    expect(mine).toMatchObject({
      status: "live",
      quantity: 4,
      remainingQty: 4,
      pickupPoint: { id: order.points[0] },
    });
    expect(mine?.shortCode).toMatch(/^\d{8}$/);
    expect(mine?.token).toMatch(/^CS1\./);
    const texts = await t.ctx.db
      .select()
      .from(localMessages)
      .where(eq(localMessages.recipient, trader?.user.phone ?? ""));
    expect(texts.some((m) => m.body.includes(mine?.shortCode ?? "none"))).toBe(true);
    // The token is encrypted: the code and ids are not in it in clear.
    expect(mine?.token).not.toContain(mine?.credentialId ?? "x");
    // Twice is refused; another point's agent cannot check it in.
    expectProblem(await receive(t, order, 0), 409, "delivery_already_received");
    const stranger = await buildPickupAgent(t, order.points[1] as string);
    const agents = [...order.agents];
    agents[0] = stranger;
    // (point 1's agent asking about point 0's drop sees only point 1's drop; 404 for an unknown order)
    expectProblem(
      await send(t, "POST", `/api/v1/pickup/deliveries/${crypto.randomUUID()}/receive`, {
        headers: stranger.authorization,
        body: { receivedQty: 1, condition: "good" },
      }),
      404,
      "not_found",
    );
    const second = await receive(t, order, 1);
    expect(second.json()).toMatchObject({ credentialsIssued: 1 });
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("delivered");
    const [row] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(row).toMatchObject({ status: "received", collectableQty: 13, collectedQty: 0 });
    await expectLedgerConsistent(t);
  });

  it("is refused before the supplier accepted the order, and to an agent with no pickup point", async () => {
    const order = await buildAcceptedOrder(t);
    const loose = await buildUser(t, { role: "pickup_agent" });
    expectProblem(
      await send(t, "POST", `/api/v1/pickup/deliveries/${order.orderId}/receive`, {
        headers: loose.authorization,
        body: { receivedQty: 10, condition: "good" },
      }),
      403,
      "pickup_agent_unassigned",
    );
    expectProblem(
      await send(t, "GET", "/api/v1/pickup/manifest", { headers: loose.authorization }),
      403,
      "pickup_agent_unassigned",
    );
  });
});

describe("handing goods over", () => {
  it("by QR: verify shows who, what and how much; confirm collects it once and tells the trader live", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    const pickup = order.pickups[0];
    if (!agent || !pickup) {
      throw new Error("setup");
    }
    const checked = await verify(agent, { token: pickup.token });
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json()).toMatchObject({
      credentialId: pickup.credentialId,
      status: "live",
      trader: { phoneLast3: order.traders[0]?.user.phone.slice(-3) },
      quantity: 4,
      remainingQty: 4,
      group: { code: order.group.code },
    });
    pushed.length = 0;
    const done = await handover(agent, { token: pickup.token });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      handover: { quantity: 4 },
      credential: { status: "collected", remainingQty: 0 },
    });
    await t.drainOutbox();
    expect(pushed).toContainEqual(
      expect.objectContaining({
        to: `user:${order.traders[0]?.user.id}`,
        event: "pickup:update",
        payload: expect.objectContaining({ status: "collected" }),
      }),
    );
    expect(pushed).toContainEqual(
      expect.objectContaining({
        to: `group:${order.group.id}`,
        event: "group:pickup",
        payload: expect.objectContaining({ collectedQty: 4, collectableQty: 13 }),
      }),
    );
    // Once only.
    expectProblem(await handover(agent, { token: pickup.token }), 409, "pickup_already_collected");
    expectProblem(await verify(agent, { code: pickup.shortCode }), 409, "pickup_already_collected");
    const [mine] = await myPickups(t, order.traders[0]?.user ?? agent);
    expect(mine).toMatchObject({ status: "collected", token: null, shortCode: null });
  });

  it("in parts when the trader asks: the rest stays collectable by short code", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    const pickup = order.pickups[1];
    const part = await handover(agent ?? order.admin, { code: pickup?.shortCode, quantity: 2 });
    expect(part.json()).toMatchObject({ credential: { status: "live", remainingQty: 4 } });
    expectProblem(
      await handover(agent ?? order.admin, { code: pickup?.shortCode, quantity: 5 }),
      409,
      "pickup_quantity_exceeded",
    );
    const rest = await handover(agent ?? order.admin, { code: pickup?.shortCode });
    expect(rest.json()).toMatchObject({
      handover: { quantity: 4 },
      credential: { status: "collected", remainingQty: 0, collectedQty: 6 },
    });
  });

  it("of one code confirmed eight times at once by two agents succeeds exactly once", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    const second = await buildPickupAgent(t, order.points[0] as string);
    const pickup = order.pickups[0];
    const agents = [agent ?? second, second];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handover(
          agents[i % 2] ?? second,
          i % 2 ? { token: pickup?.token } : { code: pickup?.shortCode },
        ),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const refused of results.filter((r) => r.statusCode !== 200)) {
      expect(refused.json().code).toBe("pickup_already_collected");
    }
    const [row] = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, pickup?.credentialId ?? ""));
    expect(row).toMatchObject({ status: "collected", collectedQty: 4 });
    const [orderRow] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(orderRow?.collectedQty).toBe(4);
  });

  it("confirms handovers that arrive together each as it would alone, the whole group at once", async () => {
    const order = await buildDeliveredOrder(t, [
      [4, 0],
      [6, 0],
      [3, 0],
      [5, 0, "cash"],
      [2, 1],
    ]);
    const [here, there] = order.agents as [BuiltUser, BuiltUser];
    const second = await buildPickupAgent(t, order.points[0] as string);
    const [a, b, c, cash, elsewhere] = order.pickups as [
      TMyPickup,
      TMyPickup,
      TMyPickup,
      TMyPickup,
      TMyPickup,
    ];
    const due = await cashDueAtPickup(t.ctx.db, order.traders[3]?.joined.participation.id ?? "");
    const actor = (user: BuiltUser) => ({
      id: user.id,
      role: "pickup_agent" as const,
      staffRole: null,
      phoneVerified: true,
      language: "en" as const,
    });
    const request = (
      user: BuiltUser,
      proof: { code: string } | { token: string },
      quantity?: number,
      cashAmount?: number,
    ) => ({ actor: actor(user), proof, quantity, cashAmount });
    const till = () => balance(t.ctx.db, accounts.cash(order.points[0] as string), "USD");
    const before = await till();
    const results = await confirmHandovers(t.ctx, [
      request(here, { code: a.shortCode ?? "" }),
      request(second, { token: a.token ?? "" }),
      request(here, { code: b.shortCode ?? "" }, 2),
      request(second, { code: b.shortCode ?? "" }),
      request(here, { token: c.token ?? "" }),
      request(here, { code: cash.shortCode ?? "" }, undefined, due.amount),
      request(here, { code: elsewhere.shortCode ?? "" }),
      request(here, { code: "00000000" }),
      request(there, { code: elsewhere.shortCode ?? "" }),
    ]);
    const outcome = (r: (typeof results)[number]) =>
      r.ok ? r.value.credential.remainingQty : (r.error as { code: string }).code;
    expect(results.map(outcome)).toEqual([
      0,
      "pickup_already_collected",
      4,
      0,
      0,
      0,
      "pickup_wrong_point",
      "pickup_code_invalid",
      0,
    ]);
    const rows = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.groupId, order.group.id));
    expect(
      rows.every((row) => row.status === "collected" && row.collectedQty === row.quantity),
    ).toBe(true);
    const [orderRow] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(orderRow?.collectedQty).toBe(20);
    // The last unit handed over completed the group, and the cash was taken once.
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("completed");
    expect(await till()).toBe(before + due.amount);
    await expectLedgerConsistent(t);
  });

  it("refuses forged, tampered, foreign-key, other-point and expired credentials, and traders", async () => {
    const order = await buildDeliveredOrder(t);
    const [agentHere, agentThere] = order.agents;
    const pickup = order.pickups[0];
    const token = pickup?.token ?? "";
    if (!agentHere || !agentThere) {
      throw new Error("setup");
    }
    // A flipped character in the ciphertext.
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    expectProblem(await verify(agentHere, { token: tampered }), 400, "pickup_token_invalid");
    // The same payload sealed under a key the server does not have.
    const claims = openToken(t.ctx.config.pickupKeys, token);
    const forged = sealToken([{ id: claims.keyId, key: randomBytes(32) }], claims);
    expectProblem(await verify(agentHere, { token: forged }), 400, "pickup_token_invalid");
    expectProblem(
      await verify(agentHere, { token: "CS1.nokey.AAAA.BBBBBBBB" }),
      400,
      "pickup_token_invalid",
    );
    // Another point's agent.
    expectProblem(await verify(agentThere, { token }), 409, "pickup_wrong_point");
    expectProblem(
      await handover(agentThere, { code: pickup?.shortCode }),
      409,
      "pickup_wrong_point",
    );
    // A trader cannot redeem a code, even their own.
    expectProblem(await verify(order.traders[0]?.user ?? agentHere, { token }), 403, "forbidden");
    // Expired.
    await t.ctx.db
      .update(pickupCredentials)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(pickupCredentials.id, pickup?.credentialId ?? ""));
    expectProblem(
      await handover(agentHere, { code: pickup?.shortCode }),
      409,
      "pickup_credential_expired",
    );
    const [row] = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, pickup?.credentialId ?? ""));
    expect(row).toMatchObject({ status: "live", collectedQty: 0 });
    // An old token of a credential whose window was later extended is out of date.
    const stale = sealToken(t.ctx.config.pickupKeys, {
      ...claims,
      expiresAt: new Date(Date.now() - 1000),
    });
    await t.ctx.db
      .update(pickupCredentials)
      .set({ expiresAt: sql`now() + interval '1 day'` })
      .where(eq(pickupCredentials.id, pickup?.credentialId ?? ""));
    expectProblem(await verify(agentHere, { token: stale }), 409, "pickup_credential_expired");
  });

  it("locks an agent out after repeated wrong codes, even for a right one", async () => {
    const order = await buildDeliveredOrder(t);
    const agent = await buildPickupAgent(t, order.points[0] as string);
    const pickup = order.pickups[0];
    for (let i = 0; i < AGENT_FAILURE_LIMIT; i++) {
      const wrong = String((Number(pickup?.shortCode) + 1 + i) % 100_000_000).padStart(8, "0");
      expectProblem(await verify(agent, { code: wrong }), 400, "pickup_code_invalid");
    }
    const locked = await verify(agent, { code: pickup?.shortCode });
    expectProblem(locked, 429, "pickup_locked");
    expect(locked.headers["retry-after"]).toBe("900");
    // Other agents at the point still work (the point's own limit is higher).
    const ok = await verify(order.agents[0] ?? agent, { code: pickup?.shortCode });
    expect(ok.statusCode).toBe(200);
  });

  it("locks a code out when it is refused again and again, whoever types it and wherever", async () => {
    const order = await buildDeliveredOrder(t, [
      [4, 0],
      [3, 0],
      [5, 1],
    ]);
    const [probed, other] = order.pickups;
    // A real code tried at the wrong point by different agents (each below their own limit).
    for (let i = 0; i < CODE_FAILURE_LIMIT; i++) {
      const elsewhere = await buildPickupAgent(t, order.points[1] as string);
      expectProblem(
        await verify(elsewhere, { code: probed?.shortCode }),
        409,
        "pickup_wrong_point",
      );
    }
    const right = await buildPickupAgent(t, order.points[0] as string);
    const locked = await verify(right, { code: probed?.shortCode });
    expectProblem(locked, 429, "pickup_locked");
    expectProblem(await handover(right, { code: probed?.shortCode }), 429, "pickup_locked");
    // The same agent still works with another code; the locked share's QR still works.
    expect((await verify(right, { code: other?.shortCode })).statusCode).toBe(200);
    expect((await verify(right, { token: probed?.token })).statusCode).toBe(200);
    const [row] = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, probed?.credentialId ?? ""));
    expect(row).toMatchObject({ status: "live", collectedQty: 0 });
  });

  it("locks a whole pickup point out when its agents together guess too often", async () => {
    const order = await buildDeliveredOrder(t, [[5, 1]]);
    const point = order.points[1] as string;
    // Earlier tests' wrong guesses at this point count too: guess until the point locks.
    let failures = 0;
    let locked = false;
    while (!locked) {
      const guesser = await buildPickupAgent(t, point);
      for (let i = 0; i < AGENT_FAILURE_LIMIT - 1 && !locked; i++, failures++) {
        const response = await verify(guesser, { code: String(10_000_000 + failures) });
        locked = response.statusCode === 429;
        if (!locked) {
          expectProblem(response, 400, "pickup_code_invalid");
        }
      }
      expect(failures).toBeLessThanOrEqual(POINT_FAILURE_LIMIT);
    }
    const fresh = await buildPickupAgent(t, point);
    expectProblem(await verify(fresh, { code: order.pickups[0]?.shortCode }), 429, "pickup_locked");
    // Other points are not affected.
    const elsewhere = await buildDeliveredOrder(t, [[5, 0]]);
    expect(
      (await verify(elsewhere.agents[0] ?? fresh, { code: elsewhere.pickups[0]?.shortCode }))
        .statusCode,
    ).toBe(200);
  });

  it("keeps verifying credentials under the old key after a rotation; new ones use the new key", async () => {
    const before = await buildDeliveredOrder(t, [[5, 0]]);
    const old = t.ctx.config.pickupKeys;
    const fresh = { id: "rotated", key: randomBytes(32) };
    t.ctx.config.pickupKeys = [fresh, ...old];
    try {
      const [agent] = before.agents;
      const oldToken = before.pickups[0]?.token;
      expect((await verify(agent ?? before.admin, { token: oldToken })).statusCode).toBe(200);
      const after = await buildDeliveredOrder(t, [[6, 0]]);
      expect(after.pickups[0]?.token).toMatch(/^CS1\.rotated\./);
      expect(
        (await verify(after.agents[0] ?? agent ?? before.admin, { token: after.pickups[0]?.token }))
          .statusCode,
      ).toBe(200);
      // The trader still sees the same token under the key it was issued with.
      const [again] = await myPickups(t, before.traders[0]?.user ?? before.admin);
      expect(again?.token).toBe(oldToken);
      // Once the old key leaves the ring, its tokens no longer open.
      t.ctx.config.pickupKeys = [fresh];
      expectProblem(
        await verify(agent ?? before.admin, { token: oldToken }),
        400,
        "pickup_token_invalid",
      );
    } finally {
      t.ctx.config.pickupKeys = old;
    }
  });

  it("is for pickup agents only", async () => {
    const trader = await buildTrader(t);
    expectProblem(await handover(trader, { code: "12345678" }), 403, "forbidden");
    expectProblem(
      await send(t, "GET", "/api/v1/pickup/manifest", { headers: trader.authorization }),
      403,
      "forbidden",
    );
  });
});

describe("handing over a share paid in cash at pickup", () => {
  const sync = (agent: BuiltUser, items: unknown[]) =>
    send(t, "POST", "/api/v1/pickup/sync", {
      headers: agent.authorization,
      body: { deviceId: "depot-tablet", items },
    });
  /** A delivered order at one point: 4 units paid online, then 6 paid at pickup. */
  async function cashOrder() {
    const order = await buildDeliveredOrder(t, [
      [4, 0],
      [6, 0, "cash"],
    ]);
    const share = order.traders[1]?.joined.participation.id as string;
    return {
      order,
      agent: order.agents[0] as BuiltUser,
      online: order.pickups[0] as TMyPickup,
      cash: order.pickups[1] as TMyPickup,
      share,
      due: await cashDueAtPickup(t.ctx.db, share),
    };
  }

  it("shows the cash to take, refuses a handover without exactly that, and takes it once", async () => {
    const { order, agent, online, cash, share, due } = await cashOrder();
    expect(due.amount).toBeGreaterThan(0);
    // The order asks the supplier for all ten units at the final 9.20, the cash share's too.
    const [ordered] = await t.ctx.db
      .select()
      .from(supplierOrders)
      .where(eq(supplierOrders.id, order.orderId));
    expect(ordered).toMatchObject({ gross: 9200, commission: 920, unitPrice: 920 });

    expect((await verify(agent, { code: online.shortCode })).json().cashDue).toBeNull();
    const check = await verify(agent, { code: cash.shortCode ?? "" });
    expect(check.json().cashDue).toEqual({ amount: due.amount, currency: "USD" });

    const code = cash.shortCode;
    expectProblem(await handover(agent, { code, quantity: 2 }), 400, "cash_amount_mismatch");
    expectProblem(
      await handover(agent, { code, quantity: 2, cashAmount: due.amount - 1 }),
      400,
      "cash_amount_mismatch",
    );
    const [untouched] = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, cash.credentialId));
    expect(untouched).toMatchObject({ status: "live", collectedQty: 0 });
    expect(await balance(t.ctx.db, accounts.cashReceivable(order.group.id), "USD")).toBe(
      due.amount,
    );

    const till = () => balance(t.ctx.db, accounts.cash(order.points[0] as string), "USD");
    const before = await till();
    const first = await handover(agent, { code, quantity: 2, cashAmount: due.amount });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().credential).toMatchObject({ remainingQty: 4, cashDue: null });
    expect(await cashDueAtPickup(t.ctx.db, share)).toMatchObject({ status: "collected" });
    expect(await balance(t.ctx.db, accounts.cashReceivable(order.group.id), "USD")).toBe(0);
    expect(await till()).toBe(before + due.amount);
    // The rest of the share: the cash was taken with the first part.
    expect((await verify(agent, { code })).json().cashDue).toBeNull();
    const rest = await handover(agent, { code });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json().credential).toMatchObject({ status: "collected", remainingQty: 0 });
    await expectLedgerConsistent(t);
  });

  it("offline: the manifest carries the cash due; a synced handover without it is a conflict", async () => {
    const { order, agent, cash, share, due } = await cashOrder();
    const manifest = await send(t, "GET", "/api/v1/pickup/manifest", {
      headers: agent.authorization,
    });
    const items = manifest.json<TManifest>().items;
    expect(items.find((i) => i.credentialId === cash.credentialId)?.cashDue).toEqual({
      amount: due.amount,
      currency: "USD",
    });
    expect(items.find((i) => i.credentialId !== cash.credentialId)?.cashDue).toBeNull();

    const record = (cashAmount?: number) => ({
      clientId: crypto.randomUUID(),
      credentialId: cash.credentialId,
      quantity: 6,
      occurredAt: new Date().toISOString(),
      proof: { code: cash.shortCode ?? "" },
      ...(cashAmount === undefined ? {} : { cashAmount }),
    });
    const missing = await sync(agent, [record()]);
    expect(missing.json().items[0]).toMatchObject({ result: "conflict", reason: "cash_mismatch" });
    const taken = await sync(agent, [record(due.amount)]);
    expect(taken.json().items[0]).toMatchObject({ result: "applied", remainingQty: 0 });
    expect(await cashDueAtPickup(t.ctx.db, share)).toMatchObject({ status: "collected" });
    expect(await balance(t.ctx.db, accounts.cashReceivable(order.group.id), "USD")).toBe(0);
    await expectLedgerConsistent(t);
  });
});
