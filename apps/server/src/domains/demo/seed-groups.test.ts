import { GROUP_STATUSES } from "@cs/contracts";
import { groups, invoices, pickupAgents, pickupCredentials, supplierOrders, users } from "@cs/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp } from "../../../test/harness.ts";
import { DEMO_LOGINS } from "./seed.ts";
import { seedDemoGroups } from "./seed-groups.ts";

describe("demo group buys", () => {
  it("cover every state the platform has, with a consistent ledger", async () => {
    const t = await createTestApp();
    try {
      expect(await seedDemoGroups(t.ctx, 42)).toBe(21);
      const rows = await t.ctx.db
        .select({
          status: groups.status,
          paidQty: groups.paidQty,
          heldQty: groups.heldQty,
          moq: groups.moq,
        })
        .from(groups);
      const statuses = new Set(rows.map((r) => r.status));
      for (const status of GROUP_STATUSES) {
        expect(statuses, status).toContain(status);
      }
      const open = rows.filter((r) => r.status === "open");
      expect(open.some((r) => r.paidQty >= r.moq)).toBe(true);
      expect(open.some((r) => r.paidQty > 0 && r.paidQty < r.moq)).toBe(true);
      expect(open.some((r) => r.heldQty > 0)).toBe(true);
      await expectLedgerConsistent(t);
      // The demo agent has pickups due at their point, the demo trader a code to show.
      const [agent] = await t.ctx.db
        .select()
        .from(users)
        .where(eq(users.phone, DEMO_LOGINS.pickupAgent));
      const [point] = await t.ctx.db
        .select()
        .from(pickupAgents)
        .where(eq(pickupAgents.userId, agent?.id ?? ""));
      const due = await t.ctx.db
        .select()
        .from(pickupCredentials)
        .where(eq(pickupCredentials.pickupPointId, point?.pickupPointId ?? ""));
      expect(due.filter((c) => c.status === "live").length).toBeGreaterThan(1);
      expect(due.some((c) => c.status === "collected")).toBe(true);
      expect(due.some((c) => c.status === "live" && c.collectedQty > 0)).toBe(true);
      const [trader] = await t.ctx.db
        .select()
        .from(users)
        .where(eq(users.phone, DEMO_LOGINS.trader));
      expect(due.some((c) => c.traderId === trader?.id && c.status === "live")).toBe(true);
      const orders = await t.ctx.db.select({ status: supplierOrders.status }).from(supplierOrders);
      expect(new Set(orders.map((o) => o.status))).toEqual(
        new Set(["pending", "dispatched", "received"]),
      );
      expect(await t.ctx.db.select().from(invoices)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
