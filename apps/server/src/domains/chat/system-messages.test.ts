import type { TChatPage } from "@cs/contracts";
import { chatMessages } from "@cs/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRoom } from "../../../test/chat.ts";
import { buildDeliveredOrder } from "../../../test/fulfilment.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { postSystemMessage } from "./system-messages.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

describe("pinned system messages of group events", () => {
  it("posts tier reached, funded, delivered and ready for pickup once each, as kinds and params", async () => {
    // 4 + 6 units reach the 10-unit tier (9.20); then 3 more; funded at the deadline;
    // accepted, checked in at both points (delivered), credentials issued at each point.
    const order = await buildDeliveredOrder(t);
    const trader = order.traders[0]?.user as (typeof order.traders)[number]["user"];
    const page = (await readRoom(t, trader, order.group.id)).json<TChatPage>();
    const system = page.items.filter((m) => m.kind === "system");
    expect(system.map((m) => m.system?.kind)).toEqual([
      "tier_reached",
      "funded",
      "ready_for_pickup",
      "ready_for_pickup",
      "delivered",
    ]);
    expect(system[0]?.system?.params).toEqual({ minQty: 10, unitPrice: 920, currency: "USD" });
    expect(system[1]?.system?.params).toMatchObject({ paidQty: 13, unitPrice: 920 });
    expect(typeof system[2]?.system?.params.point).toBe("string");
    expect(system.every((m) => m.pinned && m.body === null && m.sender === null)).toBe(true);
    expect(page.pinned).toHaveLength(5);
    // Numbers are consecutive: system messages take their place in the room like any other.
    expect(page.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("stores a redelivered event once and takes no number for it", async () => {
    const order = await buildDeliveredOrder(t, [[5, 0]]);
    const event = {
      groupId: order.group.id,
      kind: "funded" as const,
      key: "funded",
      params: { paidQty: 5 },
    };
    await postSystemMessage(t.ctx, event);
    await postSystemMessage(t.ctx, event);
    const funded = await t.ctx.db
      .select({ seq: chatMessages.seq })
      .from(chatMessages)
      .where(and(eq(chatMessages.groupId, order.group.id), eq(chatMessages.systemKind, "funded")));
    expect(funded).toHaveLength(1);
    const all = await t.ctx.db
      .select({ seq: chatMessages.seq })
      .from(chatMessages)
      .where(eq(chatMessages.groupId, order.group.id));
    const seqs = all.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
