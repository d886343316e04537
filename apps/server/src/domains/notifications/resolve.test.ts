import { pickupCredentials } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCompletedOrder } from "../../../test/fulfilment.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { newId } from "../../platform/ids.ts";
import type { OutboxTopics } from "../../platform/outbox.ts";
import { batchReads, resolveAnnouncement } from "./resolve.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

describe("resolving a batch of notify events", () => {
  it("reads the rows once for the batch and announces exactly what each event would alone", async () => {
    const order = await buildCompletedOrder(t);
    const credentials = await t.ctx.db
      .select({ id: pickupCredentials.id })
      .from(pickupCredentials)
      .where(eq(pickupCredentials.groupId, order.group.id));
    expect(credentials.length).toBeGreaterThan(1);
    const payloads: OutboxTopics["notify"][] = [
      ...credentials.map((c) => ({ kind: "collected" as const, subjectId: c.id })),
      ...order.traders.flatMap(({ joined }) => [
        { kind: "joined" as const, subjectId: joined.participation.id },
        { kind: "payment_confirmed" as const, subjectId: joined.payment.paymentId },
      ]),
      { kind: "group_funded" as const, subjectId: order.group.id },
      // A kind the batch does not read ahead, and subjects that name nothing.
      { kind: "order_accepted" as const, subjectId: order.orderId },
      { kind: "collected" as const, subjectId: newId() },
      { kind: "joined" as const, subjectId: newId() },
    ];
    const reads = await batchReads(t.ctx.db, payloads);
    for (const payload of payloads) {
      const alone = await resolveAnnouncement(t.ctx, payload);
      expect(await resolveAnnouncement(t.ctx, payload, reads)).toEqual(alone);
    }
    const announced = await Promise.all(
      payloads.map((payload) => resolveAnnouncement(t.ctx, payload, reads)),
    );
    expect(announced.filter((a) => a === null)).toHaveLength(2);
    expect(announced[0]?.recipients).toHaveLength(1);
  });
});
