import type { TGroupProgress } from "@cs/contracts";
import { outboxEvents } from "@cs/db";
import { sql } from "drizzle-orm";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../test/factories.ts";
import { buildGroup, joinAndPay } from "../../test/groups.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { newId } from "./ids.ts";
import { enqueueMixed } from "./outbox.ts";

let t: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(async () => {
  for (const socket of sockets) {
    socket.close();
  }
  await t.close();
});

function connect(token?: string): Socket {
  const socket = io(t.ctx.urls.internal, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: token ? { token } : {},
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

function next<T>(
  socket: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 5 s`)), 5_000);
    const listener = (payload: T) => {
      if (match(payload)) {
        clearTimeout(timer);
        socket.off(event, listener);
        resolve(payload);
      }
    };
    socket.on(event, listener);
  });
}

describe("real time", () => {
  it("gives a watcher the group's state at once, then pushes progress after each payment", async () => {
    const group = await buildGroup(t);
    const watcher = connect();
    const state = await watcher.emitWithAck("group:watch", group.id);
    expect(state).toMatchObject({ groupId: group.id, paidQty: 0, status: "open" });
    const trader = await buildTrader(t);
    const pushed = next<TGroupProgress>(watcher, "group:progress", (p) => p.paidQty === 4);
    await joinAndPay(t, trader.authorization, group.id, 4);
    expect(await pushed).toMatchObject({
      groupId: group.id,
      paidQty: 4,
      paidParticipants: 1,
      currentUnitPrice: 1000,
    });
  });

  it("tells only the trader about their own payment", async () => {
    const group = await buildGroup(t);
    const trader = await buildTrader(t);
    const stranger = await buildTrader(t);
    const mine = connect(trader.token);
    const theirs = connect(stranger.token);
    await Promise.all([
      new Promise((r) => mine.once("connect", () => r(null))),
      new Promise((r) => theirs.once("connect", () => r(null))),
    ]);
    let strangerHeard = false;
    theirs.on("user:update", () => {
      strangerHeard = true;
    });
    const update = next<{ kind: string; status: string }>(
      mine,
      "user:update",
      (u) => u.kind === "payment" && u.status === "succeeded",
    );
    await joinAndPay(t, trader.authorization, group.id, 1);
    expect(await update).toMatchObject({ kind: "payment", status: "succeeded", groupId: group.id });
    expect(strangerHeard).toBe(false);
  });

  it("pushes every update of a batch claimed together to its own trader, and each group once", async () => {
    const group = await buildGroup(t);
    const [a, b] = [await buildTrader(t), await buildTrader(t)];
    const joinedA = await joinAndPay(t, a.authorization, group.id, 2);
    const joinedB = await joinAndPay(t, b.authorization, group.id, 3);
    const [socketA, socketB, watcher] = [connect(a.token), connect(b.token), connect()];
    await Promise.all(
      [socketA, socketB].map((s) => new Promise((r) => s.once("connect", () => r(null)))),
    );
    await watcher.emitWithAck("group:watch", group.id);
    const heard = new Map<Socket, Array<{ kind: string; id: string; status: string }>>([
      [socketA, []],
      [socketB, []],
    ]);
    for (const [socket, list] of heard) {
      socket.on("user:update", (u) => list.push(u));
    }
    const progress: TGroupProgress[] = [];
    watcher.on("group:progress", (p: TGroupProgress) => progress.push(p));
    // One claim: several topics' events, two traders, an id that names nothing, a group twice.
    await enqueueMixed(t.ctx.db, [
      {
        topic: "realtime.user",
        payload: { userId: a.id, kind: "payment", id: joinedA.payment.paymentId },
      },
      {
        topic: "realtime.user",
        payload: { userId: b.id, kind: "participation", id: joinedB.participation.id },
      },
      { topic: "realtime.user", payload: { userId: a.id, kind: "refund", id: newId() } },
      // Not an id at all: it fails on its own, and the rest of the batch is still delivered.
      { topic: "realtime.user", payload: { userId: a.id, kind: "participation", id: "not-an-id" } },
      { topic: "realtime.group", payload: { groupId: group.id } },
      { topic: "realtime.group", payload: { groupId: group.id } },
    ]);
    await t.drainOutbox();
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.get(socketA)).toEqual([
      expect.objectContaining({
        kind: "payment",
        id: joinedA.payment.paymentId,
        status: "succeeded",
      }),
    ]);
    expect(heard.get(socketB)).toEqual([
      expect.objectContaining({
        kind: "participation",
        id: joinedB.participation.id,
        status: "paid",
      }),
    ]);
    expect(progress).toEqual([expect.objectContaining({ groupId: group.id, paidQty: 5 })]);
    const [bad] = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(sql`${outboxEvents.payload}->>'id' = 'not-an-id'`);
    expect(bad?.deliveredAt).toBeNull();
    expect(bad?.lastError).toMatch(/uuid/i);
  });

  it("refuses a forged token and unknown groups", async () => {
    const forged = connect("not-a-token");
    const error = await new Promise<Error>((resolve) => forged.once("connect_error", resolve));
    expect(error.message).toBe("token_invalid");
    const anonymous = connect();
    expect(
      await anonymous.emitWithAck("group:watch", "00000000-0000-4000-8000-000000000000"),
    ).toEqual({ error: "not_found" });
    expect(await anonymous.emitWithAck("group:watch", "<script>")).toEqual({
      error: "validation_failed",
    });
  });
});
