import type { TTrainingRun } from "@cs/contracts";
import { groups, participations, pickupPoints, products } from "@cs/db";
import { asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { runQueuedTraining } from "../src/domains/recommendations/train.ts";
import { newId } from "../src/platform/ids.ts";
import { type BuiltUser, buildTrader } from "./factories.ts";
import { buildGroup } from "./groups.ts";
import type { TestApp } from "./harness.ts";

const WEEK = 7 * 86_400_000;

export interface RestockHistory {
  /** The eight products, by name. */
  staples: string[];
  /** This week's open group of each staple, in the same order. */
  openGroups: string[];
  /** Trader i restocks staples i % 8 and (i + 1) % 8. */
  traders: BuiltUser[];
}

/**
 * A history with structure: 40 traders restock the same two staples of a Mbare catalogue every
 * week for ten weeks (paid shares of weekly groups, closed since), so buy-again and CF have
 * something to learn; this week's groups are open.
 */
export async function seedRestockHistory(t: TestApp): Promise<RestockHistory> {
  const catalogue = await t.ctx.db
    .select({ id: products.id })
    .from(products)
    .where(eq(products.currency, "USD"))
    .orderBy(asc(products.name))
    .limit(8);
  const staples = catalogue.map((p) => p.id);
  const openGroups: string[] = [];
  const [point] = await t.ctx.db.select().from(pickupPoints).limit(1);
  const traders = await Promise.all(Array.from({ length: 40 }, () => buildTrader(t)));
  const rows: Array<typeof participations.$inferInsert> = [];
  for (const [p, productId] of staples.entries()) {
    for (let week = 10; week >= 0; week--) {
      const group = await buildGroup(t, { productId });
      if (week === 0) {
        openGroups.push(group.id);
        continue;
      }
      await t.ctx.db.update(groups).set({ status: "completed" }).where(eq(groups.id, group.id));
      const at = new Date(Date.now() - week * WEEK);
      for (const [i, trader] of traders.entries()) {
        if (i % 8 === p || (i + 1) % 8 === p) {
          rows.push({
            id: newId(),
            groupId: group.id,
            traderId: trader.id,
            quantity: 2,
            status: "collected",
            pickupPointId: point?.id as string,
            currency: "USD",
            holdExpiresAt: at,
            amountPaid: 2000,
            paidAt: at,
            createdAt: at,
          });
        }
      }
    }
  }
  for (let i = 0; i < rows.length; i += 200) {
    await t.ctx.db.insert(participations).values(rows.slice(i, i + 200));
  }
  return { staples, openGroups, traders };
}

/** Queues a training run as `admin`, runs it as the worker would, and returns the finished run. */
export async function trainThroughApi(
  t: TestApp,
  admin: BuiltUser,
  weights?: Record<string, number>,
): Promise<TTrainingRun> {
  const queued = await t.app.inject({
    method: "POST",
    url: "/api/v1/admin/recommendations/train",
    headers: admin.authorization,
    payload: weights ? { weights } : {},
  });
  expect(queued.statusCode, queued.body).toBe(202);
  expect(await runQueuedTraining(t.ctx)).toBe(1);
  const run = await t.app.inject({
    url: `/api/v1/admin/recommendations/train/${queued.json<TTrainingRun>().id}`,
    headers: admin.authorization,
  });
  return run.json<TTrainingRun>();
}
