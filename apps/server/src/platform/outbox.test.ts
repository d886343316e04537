import { outboxEvents } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { outboxHandlers } from "../runtime.ts";
import {
  backoffSeconds,
  deliverOutboxBatch,
  enqueue,
  OUTBOX_MAX_ATTEMPTS,
  type OutboxHandlers,
} from "./outbox.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function recordingHandlers(fail: (to: string) => boolean = () => false) {
  const delivered: string[] = [];
  const handlers: OutboxHandlers = {
    ...outboxHandlers(t.ctx),
    "sms.send": async (payload) => {
      if (fail(payload.to)) {
        throw new Error("provider down");
      }
      delivered.push(payload.to);
    },
  };
  return { delivered, handlers };
}

async function drain(handlers: OutboxHandlers) {
  while ((await deliverOutboxBatch(t.ctx.db, handlers)) > 0) {
    // until nothing is due
  }
}

describe("outbox", () => {
  it("delivers an event only when its transaction commits", async () => {
    const { delivered, handlers } = recordingHandlers();
    await t.ctx.db.transaction(async (tx) => {
      await enqueue(tx, "sms.send", { to: "committed", body: "hi", purpose: "test" });
    });
    await expect(
      t.ctx.db.transaction(async (tx) => {
        await enqueue(tx, "sms.send", { to: "rolled-back", body: "hi", purpose: "test" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await drain(handlers);
    expect(delivered).toContain("committed");
    expect(delivered).not.toContain("rolled-back");
  });

  it("pushes a state once for identical pushes in one batch, and sends every message", async () => {
    const pushed: string[] = [];
    const { delivered, handlers } = recordingHandlers();
    // Progress pushes are handled a batch at a time: the handler hears each distinct push once.
    handlers.batches = {
      ...handlers.batches,
      "realtime.group": async (events) => {
        pushed.push(...events.map((e) => e.payload.groupId));
        return events.map(() => ({ ok: true as const }));
      },
    };
    const before = await t.ctx.db.select({ id: outboxEvents.id }).from(outboxEvents);
    for (const groupId of ["g1", "g1", "g2", "g1"]) {
      await enqueue(t.ctx.db, "realtime.group", { groupId });
      await enqueue(t.ctx.db, "sms.send", { to: `to-${groupId}`, body: "hi", purpose: "test" });
    }
    await drain(handlers);
    expect(pushed.sort()).toEqual(["g1", "g2"]);
    expect(delivered.filter((to) => to.startsWith("to-g")).sort()).toEqual([
      "to-g1",
      "to-g1",
      "to-g1",
      "to-g2",
    ]);
    const pending = await t.ctx.db
      .select({ id: outboxEvents.id })
      .from(outboxEvents)
      .where(sql`delivered_at is null and dead_at is null`);
    expect(pending.filter((e) => !before.some((b) => b.id === e.id))).toEqual([]);
  });

  it("retries a failed delivery later with backoff, then gives up and keeps it for admins", async () => {
    const { handlers } = recordingHandlers((to) => to === "flaky");
    await enqueue(t.ctx.db, "sms.send", { to: "flaky", body: "hi", purpose: "test" });
    await drain(handlers);
    const [row] = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(sql`${outboxEvents.payload}->>'to' = 'flaky'`);
    expect(row).toMatchObject({
      attempts: 1,
      deliveredAt: null,
      deadAt: null,
      lastError: "provider down",
    });
    const wait = ((row?.availableAt.getTime() ?? 0) - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(backoffSeconds(1) - 1);
    for (let attempt = 2; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
      await t.ctx.db
        .update(outboxEvents)
        .set({ availableAt: sql`now()` })
        .where(eq(outboxEvents.id, row?.id ?? 0));
      await drain(handlers);
    }
    const [dead] = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.id, row?.id ?? 0));
    expect(dead?.attempts).toBe(OUTBOX_MAX_ATTEMPTS);
    expect(dead?.deadAt).not.toBeNull();
    await drain(handlers);
    const [still] = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.id, row?.id ?? 0));
    expect(still?.attempts).toBe(OUTBOX_MAX_ATTEMPTS);
  });

  it("lets several workers share the outbox without delivering an event twice", async () => {
    const { delivered, handlers } = recordingHandlers();
    const tag = `burst-${Date.now()}`;
    for (let i = 0; i < 60; i++) {
      await enqueue(t.ctx.db, "sms.send", { to: `${tag}-${i}`, body: "hi", purpose: "test" });
    }
    await Promise.all(Array.from({ length: 4 }, () => drain(handlers)));
    const mine = delivered.filter((to) => to.startsWith(tag));
    expect(mine).toHaveLength(60);
    expect(new Set(mine).size).toBe(60);
  });

  it("runs up to `concurrency` handlers of a batch side by side; one failing holds back no other", async () => {
    const tag = `side-${Date.now()}`;
    const { delivered, handlers } = recordingHandlers((to) => to === `${tag}-3`);
    let running = 0;
    let most = 0;
    const send = handlers["sms.send"];
    handlers["sms.send"] = async (payload, event) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      await send(payload, event);
    };
    for (let i = 0; i < 12; i++) {
      await enqueue(t.ctx.db, "sms.send", { to: `${tag}-${i}`, body: "hi", purpose: "test" });
    }
    while ((await deliverOutboxBatch(t.ctx.db, handlers, undefined, 100, 4)) > 0) {
      // until nothing is due (the failed one waits for its backoff)
    }
    expect(most).toBe(4);
    const mine = delivered.filter((to) => to.startsWith(tag)).sort();
    expect(mine).toHaveLength(11);
    expect(mine).not.toContain(`${tag}-3`);
    const [failed] = await t.ctx.db
      .select()
      .from(outboxEvents)
      .where(sql`${outboxEvents.payload}->>'to' = ${`${tag}-3`}`);
    expect(failed).toMatchObject({ deliveredAt: null, lastError: "provider down", attempts: 1 });
  });

  it("stores a redelivered SMS once at the local driver", async () => {
    await t.ctx.sms.send({ to: "+263719999999", body: "once", idempotencyKey: "outbox:test-1" });
    await t.ctx.sms.send({ to: "+263719999999", body: "once", idempotencyKey: "outbox:test-1" });
    const messages = await t.app.inject({ url: "/dev/messages.json?to=%2B263719999999" });
    expect(messages.json<{ items: unknown[] }>().items).toHaveLength(1);
  });
});
