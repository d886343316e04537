import { localMessages, notificationDeliveries } from "@cs/db";
import { and, eq, inArray, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { newId } from "../../platform/ids.ts";
import { type ChannelDriver, createLocalDriver, PermanentSendError } from "../channels/sms.ts";
import { deliverNotifications } from "./deliver.ts";
import { announce } from "./dispatch.ts";

describe("sending messages together", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("stores messages handed to the local driver at once, each key once", async () => {
    const driver = createLocalDriver(t.ctx.db, "sms");
    const key = `together-${newId()}`;
    const answers = await Promise.all([
      driver.send({ to: "+263771000101", body: "first", idempotencyKey: `${key}:a` }),
      driver.send({ to: "+263771000101", body: "first again", idempotencyKey: `${key}:a` }),
      driver.send({ to: "+263771000102", body: "second", idempotencyKey: `${key}:b` }),
    ]);
    expect(answers.every((a) => a.providerMessageId?.startsWith("local-"))).toBe(true);
    const stored = await t.ctx.db
      .select({ key: localMessages.idempotencyKey, body: localMessages.body })
      .from(localMessages)
      .where(like(localMessages.idempotencyKey, `${key}:%`))
      .orderBy(localMessages.idempotencyKey);
    expect(stored).toEqual([
      { key: `${key}:a`, body: "first" },
      { key: `${key}:b`, body: "second" },
    ]);
  });

  it("fails only the message it cannot store when others go with it", async () => {
    const driver = createLocalDriver(t.ctx.db, "sms");
    const key = `alone-${newId()}`;
    const results = await Promise.allSettled([
      driver.send({ to: "+263771000103", body: "fine", idempotencyKey: `${key}:a` }),
      // PostgreSQL text cannot hold a NUL character.
      driver.send({ to: "+263771000104", body: "bad \u0000 body", idempotencyKey: `${key}:b` }),
      driver.send({ to: "+263771000105", body: "also fine", idempotencyKey: `${key}:c` }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const stored = await t.ctx.db
      .select({ key: localMessages.idempotencyKey })
      .from(localMessages)
      .where(like(localMessages.idempotencyKey, `${key}:%`))
      .orderBy(localMessages.idempotencyKey);
    expect(stored.map((s) => s.key)).toEqual([`${key}:a`, `${key}:c`]);
  });

  it("answers each message of a batch of several rounds in order: sent ones recorded, refused ones queued or failed", async () => {
    const traders = await Promise.all(Array.from({ length: 5 }, () => buildTrader(t)));
    const eventKeys = Array.from({ length: 4 }, () => `batch-test:${newId()}`);
    for (const eventKey of eventKeys) {
      await announce(t.ctx, {
        kind: "collected",
        eventKey,
        link: null,
        recipients: traders.map((trader) => ({
          userId: trader.id,
          params: { group: "G-1", qty: "1", point: "Mbare Musika depot" },
        })),
      });
    }
    const queued = await t.ctx.db
      .select({ id: notificationDeliveries.id, key: notificationDeliveries.idempotencyKey })
      .from(notificationDeliveries)
      .where(
        and(
          inArray(notificationDeliveries.eventKey, eventKeys),
          eq(notificationDeliveries.channel, "sms"),
        ),
      );
    expect(queued).toHaveLength(20);
    // Three rounds of eight: a provider that is down for two messages and refuses one for good.
    const down = new Set([queued[2]?.key, queued[9]?.key]);
    const refused = queued[15]?.key;
    const local = createLocalDriver(t.ctx.db, "sms");
    const flaky: ChannelDriver = {
      name: "flaky",
      send: (message) =>
        down.has(message.idempotencyKey)
          ? Promise.reject(new Error("provider down"))
          : message.idempotencyKey === refused
            ? Promise.reject(new PermanentSendError("not a mobile number"))
            : local.send(message),
    };
    const outcomes = await deliverNotifications(
      { ...t.ctx, channels: { ...t.ctx.channels, sms: flaky } },
      queued.map((q) => ({ deliveryId: q.id, attempt: 1 })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual(queued.map((q) => !down.has(q.key)));
    const after = new Map(
      (
        await t.ctx.db
          .select()
          .from(notificationDeliveries)
          .where(
            inArray(
              notificationDeliveries.id,
              queued.map((q) => q.id),
            ),
          )
      ).map((row) => [row.idempotencyKey, row]),
    );
    for (const { key } of queued) {
      const row = after.get(key);
      if (down.has(key)) {
        expect([row?.status, row?.lastError, row?.providerMessageId]).toEqual([
          "queued",
          "provider down",
          null,
        ]);
      } else if (key === refused) {
        expect([row?.status, row?.lastError]).toEqual(["failed", "not a mobile number"]);
      } else {
        expect([row?.status, row?.driver, row?.attempts]).toEqual(["sent", "flaky", 1]);
        expect(row?.providerMessageId).toMatch(/^local-/);
        expect(row?.sentAt).not.toBeNull();
      }
    }
    const stored = await t.ctx.db
      .select({ key: localMessages.idempotencyKey })
      .from(localMessages)
      .where(
        inArray(
          localMessages.idempotencyKey,
          queued.map((q) => q.key),
        ),
      );
    expect(stored).toHaveLength(17);
  });
});
