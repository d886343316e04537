import { createHash, pbkdf2Sync, randomUUID } from "node:crypto";
import type { TManifest } from "@cs/contracts";
import { disputes, pickupCredentials } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeliveredOrder, buildPickupAgent } from "../../../test/fulfilment.ts";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { send } from "../../../test/http.ts";
import { findGroup } from "../groups/repo.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

type Auth = { authorization: { authorization: string } };
const sync = (agent: Auth, deviceId: string, items: unknown[]) =>
  send(t, "POST", "/api/v1/pickup/sync", {
    headers: agent.authorization,
    body: { deviceId, items },
  });

describe("the offline manifest", () => {
  it("lists what is due with hashes that recognise a scan or a typed code, and no secret", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    const response = await send(t, "GET", "/api/v1/pickup/manifest", {
      headers: agent?.authorization ?? {},
    });
    expect(response.statusCode, response.body).toBe(200);
    const manifest = response.json<TManifest>();
    expect(manifest.pickupPointId).toBe(order.points[0]);
    const pickup = order.pickups[0];
    const entry = manifest.items.find((i) => i.credentialId === pickup?.credentialId);
    expect(entry).toMatchObject({
      quantity: 4,
      remainingQty: 4,
      group: { code: order.group.code },
    });
    // What the offline app does with a scanned QR and a typed code:
    expect(entry?.tokenHash).toBe(
      createHash("sha256")
        .update(pickup?.token ?? "")
        .digest("base64url"),
    );
    const typed = pbkdf2Sync(
      pickup?.shortCode ?? "",
      manifest.codeHash.salt,
      manifest.codeHash.iterations,
      32,
      "sha256",
    ).toString("base64url");
    expect(entry?.codeHash).toBe(typed);
    // Nothing in it is a token or a code.
    const text = JSON.stringify(manifest);
    expect(text).not.toContain(pickup?.token ?? "x");
    expect(text).not.toContain(pickup?.shortCode ?? "x");
    // Only this point's credentials.
    expect(manifest.items.some((i) => i.credentialId === order.pickups[2]?.credentialId)).toBe(
      false,
    );
  });
});

describe("POST /api/v1/pickup/sync", () => {
  it("applies offline handovers once, says duplicate when sent again, and completes the group", async () => {
    const order = await buildDeliveredOrder(t);
    const [agentA, agentB] = order.agents;
    const items = order.pickups.slice(0, 2).map((p, i) => ({
      clientId: randomUUID(),
      credentialId: p.credentialId,
      quantity: p.quantity,
      occurredAt: new Date(Date.now() - (5 - i) * 60_000).toISOString(),
      proof: i === 0 ? { token: p.token } : { code: p.shortCode },
    }));
    const first = await sync(agentA ?? order.admin, "phone-1", items);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((i: { result: string }) => i.result)).toEqual([
      "applied",
      "applied",
    ]);
    const again = await sync(agentA ?? order.admin, "phone-1", items);
    expect(again.json().items.map((i: { result: string }) => i.result)).toEqual([
      "duplicate",
      "duplicate",
    ]);
    const third = order.pickups[2];
    const last = await sync(agentB ?? order.admin, "phone-2", [
      {
        clientId: randomUUID(),
        credentialId: third?.credentialId,
        quantity: 3,
        occurredAt: new Date().toISOString(),
        proof: { code: third?.shortCode },
      },
    ]);
    expect(last.json().items[0]).toMatchObject({ result: "applied", remainingQty: 0 });
    expect((await findGroup(t.ctx.db, order.group.id))?.status).toBe("completed");
    await expectLedgerConsistent(t);
  });

  it("detects a code collected on two devices (or offline after online) and flags it to admins", async () => {
    const order = await buildDeliveredOrder(t);
    const [agent] = order.agents;
    const second = await buildPickupAgent(t, order.points[0] as string);
    const pickup = order.pickups[0];
    const record = () => ({
      clientId: randomUUID(),
      credentialId: pickup?.credentialId,
      quantity: 4,
      occurredAt: new Date().toISOString(),
      proof: { code: pickup?.shortCode },
    });
    const one = await sync(agent ?? second, "phone-1", [record()]);
    expect(one.json().items[0].result).toBe("applied");
    const twice = record();
    const other = await sync(second, "phone-2", [twice]);
    const answer = other.json().items[0];
    expect(answer).toMatchObject({
      result: "conflict",
      reason: "already_collected",
      remainingQty: 0,
    });
    const [flag] = await t.ctx.db.select().from(disputes).where(eq(disputes.id, answer.disputeId));
    expect(flag).toMatchObject({
      kind: "double_collection",
      status: "open",
      credentialId: pickup?.credentialId,
    });
    // Sending the refused record again gives the same answer and no second flag.
    const resent = await sync(second, "phone-2", [twice]);
    expect(resent.json().items[0]).toMatchObject({
      result: "conflict",
      disputeId: answer.disputeId,
    });
    const flags = await t.ctx.db
      .select()
      .from(disputes)
      .where(eq(disputes.credentialId, pickup?.credentialId ?? ""));
    expect(flags).toHaveLength(1);
    // Admins see it and note it.
    const noted = await send(t, "POST", `/api/v1/admin/disputes/${answer.disputeId}/resolve`, {
      headers: order.admin.authorization,
      body: { resolution: "noted", note: "Agent 2 gave a second bag by mistake; recovered" },
    });
    expect(noted.json()).toMatchObject({ status: "resolved", resolution: "noted" });
    const [row] = await t.ctx.db
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, pickup?.credentialId ?? ""));
    expect(row).toMatchObject({ collectedQty: 4, status: "collected" });
  });

  it("refuses a wrong code, another point's credential and a stale record, flagging each", async () => {
    const order = await buildDeliveredOrder(t);
    const [agentA, agentB] = order.agents;
    const [p0, p1, p2] = order.pickups;
    const base = { occurredAt: new Date().toISOString() };
    const response = await sync(agentA ?? order.admin, "phone-1", [
      {
        ...base,
        clientId: randomUUID(),
        credentialId: p0?.credentialId,
        quantity: 1,
        proof: { code: p1?.shortCode },
      },
      {
        ...base,
        clientId: randomUUID(),
        credentialId: p2?.credentialId,
        quantity: 1,
        proof: { code: p2?.shortCode },
      },
    ]);
    expect(response.json().items.map((i: { reason: string }) => i.reason)).toEqual([
      "invalid_proof",
      "wrong_point",
    ]);
    await t.ctx.db
      .update(pickupCredentials)
      .set({ status: "revoked" })
      .where(eq(pickupCredentials.id, p2?.credentialId ?? ""));
    const stale = await sync(agentB ?? order.admin, "phone-2", [
      {
        ...base,
        clientId: randomUUID(),
        credentialId: p2?.credentialId,
        quantity: 3,
        proof: { token: p2?.token },
      },
    ]);
    expect(stale.json().items[0]).toMatchObject({ result: "conflict", reason: "stale" });
    const kinds = await t.ctx.db
      .select({ kind: disputes.kind })
      .from(disputes)
      .where(eq(disputes.groupId, order.group.id));
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      "invalid_offline_proof",
      "invalid_offline_proof",
      "stale_offline_record",
    ]);
  });
});
