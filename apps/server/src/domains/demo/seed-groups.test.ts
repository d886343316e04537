import { groups } from "@cs/db";
import { describe, expect, it } from "vitest";
import { expectLedgerConsistent } from "../../../test/groups.ts";
import { createTestApp } from "../../../test/harness.ts";
import { seedDemoGroups } from "./seed-groups.ts";

describe("demo group buys", () => {
  it("cover every state the platform has, with a consistent ledger", async () => {
    const t = await createTestApp();
    try {
      expect(await seedDemoGroups(t.ctx, 42)).toBe(18);
      const rows = await t.ctx.db
        .select({
          status: groups.status,
          paidQty: groups.paidQty,
          heldQty: groups.heldQty,
          moq: groups.moq,
        })
        .from(groups);
      const statuses = new Set(rows.map((r) => r.status));
      for (const status of ["open", "funded", "expired", "refunded", "cancelled", "draft"]) {
        expect(statuses, status).toContain(status);
      }
      const open = rows.filter((r) => r.status === "open");
      expect(open.some((r) => r.paidQty >= r.moq)).toBe(true);
      expect(open.some((r) => r.paidQty > 0 && r.paidQty < r.moq)).toBe(true);
      expect(open.some((r) => r.heldQty > 0)).toBe(true);
      await expectLedgerConsistent(t);
    } finally {
      await t.close();
    }
  });
});
