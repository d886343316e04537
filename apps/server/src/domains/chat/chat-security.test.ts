import type { TChatMessage, TChatPage } from "@cs/contracts";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChatRoom, readRoom, said, say } from "../../../test/chat.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { TYPING_THROTTLE_MS } from "./socket.ts";

let t: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  // The default limits: a burst of 5, 20 a minute.
  t = await createTestApp({}, { listen: true });
});
afterAll(async () => {
  for (const socket of sockets) {
    socket.close();
  }
  await t.close();
});

async function connect(token?: string): Promise<Socket> {
  const socket = io(t.ctx.urls.internal, {
    path: "/socket.io",
    transports: ["websocket"],
    auth: token ? { token } : {},
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(null));
    socket.once("connect_error", reject);
  });
  return socket;
}

function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe("chat: bad input and outsiders", () => {
  it("answers 404 to a trader with no share in the group, reading or posting", async () => {
    const room = await buildChatRoom(t, 1);
    expectProblem(await readRoom(t, room.stranger, room.group.id), 404, "not_found");
    expectProblem(await say(t, room.stranger, room.group.id, "let me in"), 404, "not_found");
    const message = await said(t, room.traders[0] as typeof room.admin, room.group.id, "hi");
    const report = await send(
      t,
      "POST",
      `/api/v1/groups/${room.group.id}/chat/messages/${message.id}/report`,
      { headers: room.stranger.authorization, body: {} },
    );
    expectProblem(report, 404, "not_found");
  });

  it("refuses oversized, empty and binary messages with stable codes", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    expectProblem(
      await say(t, trader, room.group.id, "x".repeat(1001)),
      400,
      "chat_message_too_long",
    );
    expectProblem(await say(t, trader, room.group.id, "x".repeat(5000)), 400, "validation_failed");
    expectProblem(await say(t, trader, room.group.id, "   \n "), 400, "chat_message_invalid");
    expectProblem(
      await say(t, trader, room.group.id, "PK\u0003\u0004\u0000\u0001"),
      400,
      "chat_message_invalid",
    );
    expectProblem(
      await say(t, trader, room.group.id, "\u001b[2Jcleared"),
      400,
      "chat_message_invalid",
    );
    // A long message in Shona with accents and emoji counts characters, not bytes.
    expect((await say(t, trader, room.group.id, "🍅".repeat(1000))).statusCode).toBe(201);
    const page = (await readRoom(t, trader, room.group.id)).json<TChatPage>();
    expect(page.items).toHaveLength(1);
  });

  it("stores script tags and links exactly as typed and returns them as JSON text", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    const nasty =
      '<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3) https://example.org/?a=<b>&c="d"';
    const sent = await say(t, trader, room.group.id, nasty);
    expect(sent.statusCode).toBe(201);
    expect(sent.headers["content-type"]).toMatch(/^application\/json/);
    const page = await readRoom(t, trader, room.group.id);
    expect(page.headers["content-type"]).toMatch(/^application\/json/);
    expect(page.json<TChatPage>().items[0]?.body).toBe(nasty);
    // JSON, not HTML: the raw text is escaped as a JSON string, never a live tag in a page.
    expect(page.body).toContain(JSON.stringify(nasty).slice(1, -1));
  });

  it("limits flooding per user: a burst of 5, then 429 chat_rate_limited with Retry-After", async () => {
    const room = await buildChatRoom(t, 2);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    const burst = [];
    for (let i = 0; i < 7; i++) {
      burst.push(await say(t, a, room.group.id, `flood ${i}`));
    }
    expect(burst.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 429, 429]);
    expectProblem(burst[5] as (typeof burst)[number], 429, "chat_rate_limited");
    expect(Number(burst[5]?.headers["retry-after"])).toBeGreaterThan(0);
    // Another member is not held back by the flooder.
    expect((await say(t, b, room.group.id, "calm")).statusCode).toBe(201);
    const page = (await readRoom(t, b, room.group.id)).json<TChatPage>();
    expect(page.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("holds the limit when a flood arrives all at once", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => say(t, trader, room.group.id, `parallel ${i}`)),
    );
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });

  it("lets only members join the room on the socket, and pushes messages to them alone", async () => {
    const room = await buildChatRoom(t, 2);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    const member = await connect(b.token);
    const supplier = await connect(room.supplier.token);
    const stranger = await connect(room.stranger.token);
    const anonymous = await connect();
    expect(await member.emitWithAck("chat:join", { groupId: room.group.id })).toMatchObject({
      ok: true,
      lastSeq: 0,
    });
    expect(await supplier.emitWithAck("chat:join", { groupId: room.group.id })).toMatchObject({
      ok: true,
    });
    expect(await stranger.emitWithAck("chat:join", { groupId: room.group.id })).toEqual({
      error: "not_found",
    });
    expect(await anonymous.emitWithAck("chat:join", { groupId: room.group.id })).toEqual({
      error: "unauthenticated",
    });
    expect(await anonymous.emitWithAck("chat:join", { groupId: "<script>" })).toEqual({
      error: "validation_failed",
    });
    // Watching the group's public progress room does not let anyone hear its chat.
    expect(await stranger.emitWithAck("group:watch", room.group.id)).toMatchObject({
      groupId: room.group.id,
    });
    const heard = collect<TChatMessage>(member, "chat:message");
    const supplierHeard = collect<TChatMessage>(supplier, "chat:message");
    const strangerHeard = collect<TChatMessage>(stranger, "chat:message");
    const anonymousHeard = collect<TChatMessage>(anonymous, "chat:message");
    // Typing: the stranger's signal goes nowhere; a member's reaches the others, throttled.
    const typing = collect<{ userId: string }>(supplier, "chat:typing");
    stranger.emit("chat:typing", room.group.id);
    member.emit("chat:typing", room.group.id);
    member.emit("chat:typing", room.group.id);
    await said(t, a, room.group.id, "<b>live</b>");
    await settle();
    expect(heard.map((m) => m.body)).toEqual(["<b>live</b>"]);
    expect(supplierHeard.map((m) => m.seq)).toEqual([1]);
    expect(strangerHeard).toEqual([]);
    expect(anonymousHeard).toEqual([]);
    expect(typing.map((x) => x.userId)).toEqual([b.id]);
    expect(TYPING_THROTTLE_MS).toBeGreaterThan(300);
  });

  it("catches a member up after a reconnect: everything after their last seq, once", async () => {
    const room = await buildChatRoom(t, 2);
    const [a, b] = room.traders as [typeof room.admin, typeof room.admin];
    await said(t, a, room.group.id, "before 1");
    await said(t, a, room.group.id, "before 2");
    const first = await connect(b.token);
    expect(await first.emitWithAck("chat:join", { groupId: room.group.id })).toMatchObject({
      lastSeq: 2,
    });
    first.close();
    await said(t, a, room.group.id, "while away 1");
    await said(t, a, room.group.id, "while away 2");
    const again = await connect(b.token);
    const caught = (await again.emitWithAck("chat:join", { groupId: room.group.id, after: 2 })) as {
      items: TChatMessage[];
      hasMore: boolean;
    };
    expect(caught.items.map((m) => [m.seq, m.body])).toEqual([
      [3, "while away 1"],
      [4, "while away 2"],
    ]);
    expect(caught.hasMore).toBe(false);
  });

  it("serves a chat image to members only, checked by its bytes and size", async () => {
    const room = await buildChatRoom(t, 1);
    const trader = room.traders[0] as typeof room.admin;
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    const upload = (user: typeof trader, body: Buffer, type: string) =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/groups/${room.group.id}/chat/images?clientId=${crypto.randomUUID()}`,
        headers: { ...user.authorization, "content-type": type },
        payload: body,
      });
    const sent = await upload(trader, png, "image/png");
    expect(sent.statusCode, sent.body).toBe(201);
    const message = sent.json<TChatMessage>();
    expect(message).toMatchObject({ kind: "image", body: null });
    const url = message.imageUrl as string;
    const mine = await t.app.inject({ method: "GET", url, headers: trader.authorization });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers["content-type"]).toBe("image/png");
    expect(mine.rawPayload.equals(png)).toBe(true);
    const theirs = await t.app.inject({ method: "GET", url, headers: room.stranger.authorization });
    expectProblem(theirs, 404, "not_found");
    expectProblem(
      await upload(trader, Buffer.from("<svg onload=alert(1)>"), "image/png"),
      415,
      "unsupported_media_type",
    );
    const huge = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    expectProblem(await upload(trader, huge, "image/png"), 413, "payload_too_large");
    expectProblem(await upload(room.stranger, png, "image/png"), 404, "not_found");
    // Hidden by a moderator: gone for members, still there for moderators.
    const hide = await send(
      t,
      "POST",
      `/api/v1/groups/${room.group.id}/chat/messages/${message.id}/hide`,
      { headers: room.admin.authorization },
    );
    expect(hide.statusCode).toBe(200);
    const afterHide = await t.app.inject({ method: "GET", url, headers: trader.authorization });
    expectProblem(afterHide, 404, "not_found");
    const forModerator = await t.app.inject({
      method: "GET",
      url,
      headers: room.admin.authorization,
    });
    expect(forModerator.statusCode).toBe(200);
  });
});
