import { randomUUID } from "node:crypto";
import type { TChatMessage, TChatPage } from "@cs/contracts";
import { chatMessages } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChatRoom, readRoom, said, say } from "../../../test/chat.ts";
import { buildUser } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";

let t: TestApp;
beforeAll(async () => {
  // Generous limits here: the rate limit has its own file with the defaults.
  t = await createTestApp({ CHAT_BURST: "1000", CHAT_PER_MINUTE: "1000" });
});
afterAll(() => t.close());

describe("GET and POST /api/v1/groups/:groupId/chat", () => {
  it("lets the group's traders, its supplier's team and admins talk, in order", async () => {
    const room = await buildChatRoom(t);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    await said(t, a, room.group.id, "Mangwanani! Who is collecting at Mbare?");
    await said(t, room.supplier, room.group.id, "Delivery on Friday");
    await said(t, room.admin, room.group.id, "Welcome all");
    const page = (await readRoom(t, b, room.group.id)).json<TChatPage>();
    expect(page.items.map((m) => [m.seq, m.sender?.role, m.body])).toEqual([
      [1, "trader", "Mangwanani! Who is collecting at Mbare?"],
      [2, "supplier", "Delivery on Friday"],
      [3, "admin", "Welcome all"],
    ]);
    expect(page).toMatchObject({ lastSeq: 3, lastReadSeq: 0, unread: 3, hasMore: false });
    expect(page.abilities.moderate).toBe(false);
    // The sender has read their own message.
    const mine = (await readRoom(t, a, room.group.id)).json<TChatPage>();
    expect(mine).toMatchObject({ lastReadSeq: 1, unread: 2 });
  });

  it("stores a retried send once (the device's client id)", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    const clientId = randomUUID();
    const first = await say(t, trader, room.group.id, "Two crates please", clientId);
    const again = await say(t, trader, room.group.id, "Two crates please", clientId);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json<TChatMessage>().id).toBe(first.json<TChatMessage>().id);
    const at = await Promise.all(
      Array.from({ length: 5 }, () => say(t, trader, room.group.id, "same", randomUUID())),
    );
    expect(at.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const stored = await t.ctx.db
      .select({ seq: chatMessages.seq })
      .from(chatMessages)
      .where(eq(chatMessages.groupId, room.group.id));
    expect(stored.map((s) => s.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("pages back through history and catches up after a given seq with no gap or repeat", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    for (let i = 1; i <= 12; i++) {
      await said(t, trader, room.group.id, `message ${i}`);
    }
    const newest = (await readRoom(t, trader, room.group.id, "?limit=5")).json<TChatPage>();
    expect(newest.items.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(newest.hasMore).toBe(true);
    const older = (await readRoom(t, trader, room.group.id, "?limit=5&before=8")).json<TChatPage>();
    expect(older.items.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    const oldest = (
      await readRoom(t, trader, room.group.id, "?limit=5&before=3")
    ).json<TChatPage>();
    expect(oldest.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(oldest.hasMore).toBe(false);
    const caught = (await readRoom(t, trader, room.group.id, "?after=9&limit=2")).json<TChatPage>();
    expect(caught.items.map((m) => m.seq)).toEqual([10, 11]);
    expect(caught.hasMore).toBe(true);
    const rest = (await readRoom(t, trader, room.group.id, "?after=11")).json<TChatPage>();
    expect(rest.items.map((m) => m.seq)).toEqual([12]);
    expect(rest.hasMore).toBe(false);
  });

  it("keeps read markers per member and counts what is unread", async () => {
    const room = await buildChatRoom(t);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    for (const body of ["one", "two", "three"]) {
      await said(t, a, room.group.id, body);
    }
    const read = await send(t, "POST", `/api/v1/groups/${room.group.id}/chat/read`, {
      headers: b.authorization,
      body: { seq: 2 },
    });
    expect(read.json()).toEqual({ lastReadSeq: 2, unread: 1 });
    // Never backwards, never past the end.
    const back = await send(t, "POST", `/api/v1/groups/${room.group.id}/chat/read`, {
      headers: b.authorization,
      body: { seq: 1 },
    });
    expect(back.json()).toEqual({ lastReadSeq: 2, unread: 1 });
    const past = await send(t, "POST", `/api/v1/groups/${room.group.id}/chat/read`, {
      headers: b.authorization,
      body: { seq: 99 },
    });
    expect(past.json()).toEqual({ lastReadSeq: 3, unread: 0 });
  });

  it("lets any member report and a moderator hide: others see it was hidden, live and on reload", async () => {
    const room = await buildChatRoom(t);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    const rude = await said(t, a, room.group.id, "something rude");
    const report = await send(
      t,
      "POST",
      `/api/v1/groups/${room.group.id}/chat/messages/${rude.id}/report`,
      { headers: b.authorization, body: { reason: "insulting" } },
    );
    expect(report.statusCode).toBe(204);
    const hideByTrader = await send(
      t,
      "POST",
      `/api/v1/groups/${room.group.id}/chat/messages/${rude.id}/hide`,
      { headers: b.authorization },
    );
    expectProblem(hideByTrader, 403, "forbidden");
    const modView = (await readRoom(t, room.admin, room.group.id)).json<TChatPage>();
    expect(modView.abilities.moderate).toBe(true);
    expect(modView.items[0]).toMatchObject({ body: "something rude", reports: 1, hidden: false });
    const queue = await send(t, "GET", "/api/v1/admin/chat/reports", {
      headers: room.admin.authorization,
    });
    expect(queue.statusCode, queue.body).toBe(200);
    const reported = queue.json<{ items: Array<{ message: TChatMessage; reasons: string[] }> }>();
    expect(reported.items.find((i) => i.message.id === rude.id)).toMatchObject({
      reasons: ["insulting"],
      message: { body: "something rude", reports: 1 },
    });
    expectProblem(
      await send(t, "GET", "/api/v1/admin/chat/reports", { headers: b.authorization }),
      403,
      "forbidden",
    );
    const hidden = await send(
      t,
      "POST",
      `/api/v1/groups/${room.group.id}/chat/messages/${rude.id}/hide`,
      { headers: room.admin.authorization },
    );
    expect(hidden.statusCode, hidden.body).toBe(200);
    const seen = (await readRoom(t, b, room.group.id)).json<TChatPage>();
    expect(seen.items[0]).toMatchObject({ id: rude.id, hidden: true, body: null, seq: 1 });
    expect(seen.items[0]).not.toHaveProperty("reports");
    const after = await send(t, "GET", "/api/v1/admin/chat/reports", {
      headers: room.admin.authorization,
    });
    expect(
      after.json<{ items: Array<{ message: TChatMessage }> }>().items.map((i) => i.message.id),
    ).not.toContain(rude.id);
    const stillMod = (await readRoom(t, room.admin, room.group.id)).json<TChatPage>();
    expect(stillMod.items[0]).toMatchObject({ hidden: true, body: "something rude" });
  });

  it("refuses a supplier outside the group's team and a pickup agent", async () => {
    const room = await buildChatRoom(t, 1);
    const otherSupplier = await buildUser(t, { role: "supplier", staffRole: "owner" });
    const agent = await buildUser(t, { role: "pickup_agent" });
    expectProblem(await readRoom(t, otherSupplier, room.group.id), 404, "not_found");
    expectProblem(await say(t, otherSupplier, room.group.id, "hi"), 404, "not_found");
    expectProblem(await readRoom(t, agent, room.group.id), 403, "forbidden");
    const anonymous = await send(t, "GET", `/api/v1/groups/${room.group.id}/chat`);
    expectProblem(anonymous, 401, "unauthenticated");
  });
});
