import type { TRecommendationList } from "@cs/contracts";
import { users } from "@cs/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/harness.ts";
import { claimQueuedRun } from "../recommendations/repo.ts";
import { requestTraining, trainModel } from "../recommendations/train.ts";
import { DEMO_LOGINS } from "./seed.ts";
import { seedDemoHistory } from "./seed-history.ts";

describe("demo purchase history", () => {
  it("gives traders staples on a rhythm, so the demo trader is offered maize meal and oil again", async () => {
    const t = await createTestApp();
    try {
      expect(await seedDemoHistory(t.ctx, 42)).toBeGreaterThan(1000);
      await requestTraining(t.ctx, null);
      const run = await claimQueuedRun(t.ctx.db);
      expect((await trainModel(t.ctx, run as NonNullable<typeof run>)).status).toBe("succeeded");
      const [trader] = await t.ctx.db
        .select()
        .from(users)
        .where(eq(users.phone, DEMO_LOGINS.trader));
      const response = await t.app.inject({
        url: "/api/v1/recommendations?limit=4",
        headers: { authorization: `Bearer ${await t.ctx.tokens.sign(trader?.id as string)}` },
      });
      const list = response.json<TRecommendationList>();
      const top = list.items.slice(0, 2);
      expect(top.map((i) => i.group.category.id).sort()).toEqual(["cooking-oil", "maize-meal"]);
      expect(top.every((i) => i.explanation.component === "buyAgain")).toBe(true);
    } finally {
      await t.close();
    }
  });
});
