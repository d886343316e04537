import type { TNotification, TNotificationList } from "@cs/contracts";
import { groups, notificationEvents, outboxEvents } from "@cs/db";
import { and, eq, like, sql } from "drizzle-orm";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationsOf } from "../../../test/channels.ts";
import { type BuiltUser, buildTrader } from "../../../test/factories.ts";
import { buildGroup, join } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { warnOfDeadlines } from "./jobs.ts";

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

async function joinNew(trader: BuiltUser) {
  const group = await buildGroup(t);
  const response = await join(t, trader.authorization, group.id, 2);
  expect(response.statusCode, response.body).toBe(201);
  await t.drainOutbox();
  return group;
}

const list = (user: BuiltUser, query = "") =>
  send(t, "GET", `/api/v1/notifications${query}`, { headers: user.authorization });

describe("the notification centre", () => {
  it("lists my notifications newest first with the unread count, and marks them read", async () => {
    const trader = await buildTrader(t);
    await joinNew(trader);
    await joinNew(trader);
    const first = (await list(trader, "?limit=1")).json<TNotificationList>();
    expect(first.unread).toBe(2);
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({
      kind: "joined",
      read: false,
      link: expect.stringMatching(/^\/groups\//),
    });
    const second = (
      await list(trader, `?limit=1&cursor=${encodeURIComponent(first.nextCursor ?? "")}`)
    ).json<TNotificationList>();
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect(second.nextCursor).toBeNull();

    const one = await send(t, "POST", "/api/v1/notifications/read", {
      headers: trader.authorization,
      body: { ids: [first.items[0]?.id] },
    });
    expect(one.json()).toEqual({ unread: 1 });
    const all = await send(t, "POST", "/api/v1/notifications/read", {
      headers: trader.authorization,
      body: {},
    });
    expect(all.json()).toEqual({ unread: 0 });
    const count = await send(t, "GET", "/api/v1/notifications/unread-count", {
      headers: trader.authorization,
    });
    expect(count.json()).toEqual({ unread: 0 });
  });

  it("never shows or marks another user's notifications", async () => {
    const owner = await buildTrader(t);
    const other = await buildTrader(t);
    await joinNew(owner);
    const [mine] = await notificationsOf(t, owner.id);
    expect((await list(other)).json<TNotificationList>().items).toHaveLength(0);
    await send(t, "POST", "/api/v1/notifications/read", {
      headers: other.authorization,
      body: { ids: [mine?.id] },
    });
    const [still] = await notificationsOf(t, owner.id);
    expect(still?.readAt).toBeNull();
    expectProblem(await send(t, "GET", "/api/v1/notifications"), 401, "unauthenticated");
  });

  it("pushes a new notification to the user's room live", async () => {
    const trader = await buildTrader(t);
    const socket = io(t.ctx.urls.internal, {
      path: "/socket.io",
      transports: ["websocket"],
      auth: { token: trader.token },
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
    const pushed = new Promise<TNotification>((resolve) => socket.on("notification:new", resolve));
    await joinNew(trader);
    expect(await pushed).toMatchObject({ kind: "joined", read: false });
  });

  it("saves preferences and validates quiet hours", async () => {
    const trader = await buildTrader(t);
    const saved = await send(t, "PUT", "/api/v1/notifications/preferences", {
      headers: trader.authorization,
      body: { channels: { groups: { sms: false } }, quietHours: { start: 21 * 60, end: 6 * 60 } },
    });
    expect(saved.json()).toMatchObject({
      channels: { groups: { sms: false, in_app: true }, payments: { sms: true } },
      quietHours: { start: 1260, end: 360 },
    });
    const bad = await send(t, "PUT", "/api/v1/notifications/preferences", {
      headers: trader.authorization,
      body: { quietHours: { start: 1440, end: 0 } },
    });
    expectProblem(bad, 400, "validation_failed");
  });
});

describe("the deadline sweep", () => {
  it("warns a short group's members once, a day before its deadline", async () => {
    const trader = await buildTrader(t, { language: "sn" });
    const group = await joinNew(trader);
    await t.ctx.db
      .update(groups)
      .set({ deadline: sql`now() + interval '5 hours'` })
      .where(eq(groups.id, group.id));
    expect(await warnOfDeadlines(t.ctx)).toBeGreaterThanOrEqual(1);
    await warnOfDeadlines(t.ctx);
    await t.drainOutbox();
    const warnings = (await notificationsOf(t, trader.id)).filter(
      (n) => n.kind === "deadline_near",
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.body).toMatch(/^Boka [A-Z0-9]{6} rinovharwa mumaawa 5, rinoda zvimwe 10 /);
    const events = await t.ctx.db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.eventKey, `deadline_near:${group.id}`));
    expect(events).toHaveLength(1);
    const queued = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(
        and(
          eq(outboxEvents.topic, "notify"),
          like(sql`${outboxEvents.payload}::text`, `%deadline_near%${group.id}%`),
        ),
      );
    expect(queued).toHaveLength(1);
  });
});
