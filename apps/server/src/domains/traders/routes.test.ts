import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader, buildUser } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const profile = {
  categories: ["maize-meal", "cooking-oil"],
  budgetMin: 5_000,
  budgetMax: 25_000,
  budgetCurrency: "USD",
  marketId: "mbare-musika",
  groupSizes: ["medium"],
  purchaseFrequency: "weekly",
  businessType: "market_stall",
  experienceYears: 4,
};

function put(headers: Record<string, string>, body: unknown) {
  return t.app.inject({
    method: "PUT",
    url: "/api/v1/me/profile",
    headers: { ...headers, "content-type": "application/json" },
    payload: JSON.stringify(body),
  });
}

describe("/api/v1/me/profile", () => {
  it("is empty before onboarding, then saves and returns the preferences", async () => {
    const trader = await buildTrader(t);
    const empty = await t.app.inject({ url: "/api/v1/me/profile", headers: trader.authorization });
    expect(empty.json()).toEqual({ profile: null });
    const saved = await put(trader.authorization, profile);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().profile).toMatchObject({ ...profile, updatedAt: expect.any(String) });
    const edited = await put(trader.authorization, {
      ...profile,
      categories: ["rice"],
      experienceYears: 5,
    });
    expect(edited.json().profile).toMatchObject({ categories: ["rice"], experienceYears: 5 });
    const read = await t.app.inject({ url: "/api/v1/me/profile", headers: trader.authorization });
    expect(read.json().profile).toMatchObject({ categories: ["rice"], marketId: "mbare-musika" });
  });

  it("refuses unknown markets and categories, inverted budgets and bad values, changing nothing", async () => {
    const trader = await buildTrader(t);
    await put(trader.authorization, profile);
    const before = await databaseSnapshot(t);
    const unknown = await put(trader.authorization, {
      ...profile,
      marketId: "atlantis",
      categories: ["maize-meal", "caviar"],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: "unknown_reference" });
    expect(unknown.json().errors.map((e: { path: string }) => e.path)).toEqual([
      "marketId",
      "categories",
    ]);
    const inverted = await put(trader.authorization, {
      ...profile,
      budgetMin: 9_000,
      budgetMax: 1_000,
    });
    expect(inverted.json()).toMatchObject({
      code: "validation_failed",
      errors: [{ path: "budgetMax" }],
    });
    const bad = await put(trader.authorization, {
      ...profile,
      budgetMin: 10.5,
      groupSizes: ["huge"],
      purchaseFrequency: "hourly",
    });
    expect(bad.statusCode).toBe(400);
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("is for traders only", async () => {
    const supplier = await buildUser(t, { role: "supplier", staffRole: "owner" });
    const response = await t.app.inject({
      url: "/api/v1/me/profile",
      headers: supplier.authorization,
    });
    expect(response.statusCode).toBe(403);
  });
});

describe("/api/v1/meta", () => {
  it("lists Harare's markets and categories named in three languages, without a session", async () => {
    const markets = (await t.app.inject({ url: "/api/v1/meta/markets" })).json<{
      items: Array<{ id: string }>;
    }>();
    expect(markets.items.map((m) => m.id)).toEqual(
      expect.arrayContaining(["mbare-musika", "glen-view", "machipisa", "copacabana", "gulf"]),
    );
    const categories = (await t.app.inject({ url: "/api/v1/meta/categories" })).json<{
      items: Array<{ id: string; name: Record<string, string> }>;
    }>();
    const maize = categories.items.find((c) => c.id === "maize-meal");
    expect(maize?.name).toEqual({ en: "Maize meal", sn: "Hupfu", nd: "Impuphu" });
  });
});
