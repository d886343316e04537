import {
  type TRecommendationList,
  type TRecommendationModels,
  type TTrainingRun,
  ZRecommendationList,
} from "@cs/contracts";
import { groups, participations, recommendationEvents, traderProfiles } from "@cs/db";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildAdmin, buildTrader, buildUser } from "../../../test/factories.ts";
import { join } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { seedRestockHistory, trainThroughApi } from "../../../test/recommendations.ts";
import { newId } from "../../platform/ids.ts";
import { flushEvents } from "./events.ts";
import { checkWeights } from "./train.ts";

let t: TestApp;
let admin: BuiltUser;
let openGroups: string[] = [];

function train(weights?: Record<string, number>): Promise<TTrainingRun> {
  return trainThroughApi(t, admin, weights);
}

async function models(): Promise<TRecommendationModels> {
  const response = await t.app.inject({
    url: "/api/v1/admin/recommendations/models",
    headers: admin.authorization,
  });
  expect(response.statusCode).toBe(200);
  return response.json<TRecommendationModels>();
}

async function recommendations(user: BuiltUser, limit = 10): Promise<TRecommendationList> {
  const response = await t.app.inject({
    url: `/api/v1/recommendations?limit=${limit}`,
    headers: user.authorization,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  // The body is built as a string: it must still be exactly the contract.
  return ZRecommendationList.strict().parse(response.json()) as TRecommendationList;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await buildAdmin(t);
  ({ openGroups } = await seedRestockHistory(t));
}, 60_000);
afterAll(() => t.close());

describe("GET /api/v1/recommendations", () => {
  it("ranks open groups by popularity before any model exists, never one the trader joined", async () => {
    const trader = await buildTrader(t);
    expect((await join(t, trader.authorization, openGroups[0] as string, 1)).statusCode).toBe(201);
    const list = await recommendations(trader);
    expect(list.modelVersion).toBeNull();
    expect(list.items.length).toBeGreaterThan(0);
    const ids = list.items.map((i) => i.group.id);
    expect(ids).not.toContain(openGroups[0]);
    expect(list.items.every((i) => i.group.status === "open")).toBe(true);
  });

  it("is for traders only", async () => {
    const supplier = await buildUser(t, { role: "supplier", staffRole: "owner" });
    expect(
      (await t.app.inject({ url: "/api/v1/recommendations", headers: admin.authorization }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ url: "/api/v1/recommendations", headers: supplier.authorization }))
        .statusCode,
    ).toBe(403);
    expect((await t.app.inject({ url: "/api/v1/recommendations" })).statusCode).toBe(401);
    const trader = await buildTrader(t);
    const bad = await t.app.inject({
      url: "/api/v1/recommendations?limit=0",
      headers: trader.authorization,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe("training and serving a model", () => {
  let first: TTrainingRun;
  beforeAll(async () => {
    first = await train();
  }, 60_000);

  it("trains a first version from the platform's history and activates it", async () => {
    expect(first).toMatchObject({ status: "succeeded", stage: "done", percent: 100 });
    expect(first.outcome).toContain("activated version 1");
    const list = await models();
    const v1 = list.items.find((m) => m.version === 1);
    expect(v1?.status).toBe("active");
    expect(v1?.metrics.users).toBeGreaterThan(0);
    expect(v1?.metrics.ndcg).toBeGreaterThan(0.3);
    expect(v1?.sizeBytes).toBeGreaterThan(0);
  });

  it("recommends a trader's own staples first, with contributions summing to the score and a reason in their language", async () => {
    const [row] = await t.ctx.db
      .select({ traderId: participations.traderId })
      .from(participations)
      .where(
        inArray(participations.groupId, sql`(select id from groups where status = 'completed')`),
      )
      .limit(1);
    const trader: BuiltUser = {
      id: row?.traderId as string,
      phone: "",
      password: "",
      token: "",
      authorization: {
        authorization: `Bearer ${await t.ctx.tokens.sign(row?.traderId as string)}`,
      },
    };
    const own = await t.ctx.db
      .selectDistinct({ productId: groups.productId })
      .from(participations)
      .innerJoin(groups, eq(groups.id, participations.groupId))
      .where(eq(participations.traderId, trader.id));
    const list = await recommendations(trader, 5);
    expect(list.modelVersion).toBe(1);
    expect(list.coldStart).toBe(false);
    const top2 = list.items.slice(0, 2).map((i) => i.group.product.id);
    expect(new Set(top2)).toEqual(new Set(own.map((o) => o.productId)));
    for (const item of list.items) {
      const sum = Object.values(item.contributions).reduce((a, b) => a + b, 0);
      expect(item.score).toBeCloseTo(sum, 9);
      expect(item.explanation.text.length).toBeGreaterThan(0);
      expect(item.explanation.text).not.toMatch(/\{\w+\}/);
    }
    // One group per product.
    expect(new Set(list.items.map((i) => i.group.product.id)).size).toBe(list.items.length);
  });

  it("serves a trader with no history and no preferences (cold start) without failing", async () => {
    const trader = await buildTrader(t, { language: "nd" });
    const list = await recommendations(trader);
    expect(list.coldStart).toBe(true);
    expect(list.items.length).toBeGreaterThan(0);
  });

  it("uses preferences for a new trader and renders reasons in Shona", async () => {
    const trader = await buildTrader(t, { language: "sn" });
    await t.ctx.db.insert(traderProfiles).values({
      userId: trader.id,
      categories: ["cooking-oil"],
      budgetMin: 1000,
      budgetMax: 50000,
      budgetCurrency: "USD",
      marketId: "mbare-musika",
      groupSizes: ["medium"],
      purchaseFrequency: "weekly",
      businessType: "market_stall",
      experienceYears: 3,
    });
    const list = await recommendations(trader);
    expect(list.coldStart).toBe(true);
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items[0]?.explanation.text).not.toBe("");
  });

  it("records shown and clicked events after the response, and refuses unknown groups", async () => {
    const trader = await buildTrader(t);
    const list = await recommendations(trader, 3);
    const groupId = list.items[0]?.group.id as string;
    const click = await t.app.inject({
      method: "POST",
      url: "/api/v1/recommendations/events",
      headers: trader.authorization,
      payload: { groupId, kind: "click" },
    });
    expect(click.statusCode).toBe(202);
    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/v1/recommendations/events",
      headers: trader.authorization,
      payload: { groupId: newId(), kind: "click" },
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/recommendations/events",
      headers: trader.authorization,
      payload: { groupId: "nope", kind: "buy" },
    });
    expect(bad.statusCode).toBe(400);
    await flushEvents(t.ctx);
    const events = await t.ctx.db
      .select()
      .from(recommendationEvents)
      .where(eq(recommendationEvents.traderId, trader.id));
    expect(events.filter((e) => e.kind === "shown")).toHaveLength(list.items.length);
    expect(events.filter((e) => e.kind === "click").map((e) => e.groupId)).toEqual([groupId]);
    // No experiment runs: no variant is served nor recorded.
    expect(list.variant).toBeNull();
    expect(events.every((e) => e.experimentId === null && e.variant === null)).toBe(true);
  });

  it("keeps a worse version as a candidate, and admins can roll back to any version", async () => {
    const worse = await train({ cf: 0, content: 0, popularity: 0, buyAgain: 0, freshness: 1 });
    expect(worse.status).toBe("succeeded");
    expect(worse.outcome).toContain("candidate");
    let list = await models();
    expect(list.items.find((m) => m.version === 1)?.status).toBe("active");
    const again = await train();
    expect(again.outcome).toContain("activated");
    list = await models();
    const v1 = list.items.find((m) => m.version === 1);
    expect(v1?.status).toBe("retired");
    const back = await t.app.inject({
      method: "POST",
      url: `/api/v1/admin/recommendations/models/${v1?.id}/activate`,
      headers: admin.authorization,
    });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ version: 1, status: "active" });
    expect((await recommendations(await buildTrader(t))).modelVersion).toBe(1);
    const unknown = await t.app.inject({
      method: "POST",
      url: `/api/v1/admin/recommendations/models/${newId()}/activate`,
      headers: admin.authorization,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("POST /api/v1/admin/recommendations/train", () => {
  it("refuses negative, non-numeric or all-zero weights", async () => {
    for (const weights of [
      { cf: -1 },
      { cf: "NaN" },
      { cf: 0, content: 0, popularity: 0, buyAgain: 0, freshness: 0 },
      { bogus: 1 },
    ]) {
      const response = await t.app.inject({
        method: "POST",
        url: "/api/v1/admin/recommendations/train",
        headers: admin.authorization,
        payload: { weights },
      });
      expect(response.statusCode, JSON.stringify(weights)).toBe(400);
    }
    expect(() => checkWeights({ cf: Number.NaN })).toThrow(/finite/);
  });

  it("is for superadmins and analysts", async () => {
    const analyst = await buildAdmin(t, "analyst");
    const moderator = await buildAdmin(t, "moderator");
    const trader = await buildTrader(t);
    const get = (user: BuiltUser) =>
      t.app.inject({ url: "/api/v1/admin/recommendations/models", headers: user.authorization });
    expect((await get(analyst)).statusCode).toBe(200);
    expect((await get(moderator)).statusCode).toBe(403);
    expect((await get(trader)).statusCode).toBe(403);
    const run = await t.app.inject({
      url: `/api/v1/admin/recommendations/train/${newId()}`,
      headers: analyst.authorization,
    });
    expect(run.statusCode).toBe(404);
  });
});
