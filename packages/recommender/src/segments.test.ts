import { describe, expect, it } from "vitest";
import { budgetOverlap, preferenceSimilarity } from "./cold-start.ts";
import { fitHybrid } from "./hybrid.ts";
import { seededRandom } from "./linalg.ts";
import { fitSegments, kMeans, silhouette } from "./segments.ts";
import { syntheticMarket } from "./test-market.ts";

describe("segments", () => {
  it("finds three well separated blobs and scores K by silhouette", () => {
    const random = seededRandom(1);
    const n = 90;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[2 * i] = (i % 3) * 10 + random();
      x[2 * i + 1] = (i % 3 === 1 ? 10 : 0) + random();
    }
    const scores = [2, 3, 4, 5].map((k) => silhouette(x, n, 2, kMeans(x, n, 2, k).labels, k));
    expect(Math.max(...scores)).toBe(scores[1]);
    expect(scores[1]).toBeGreaterThan(0.8);
  });

  it("segments a model's traders, reporting the silhouette of every K tried", () => {
    const model = fitHybrid(syntheticMarket());
    const segments = fitSegments(model, { maxK: 6 });
    expect(segments).not.toBeNull();
    const s = segments as NonNullable<typeof segments>;
    expect(Object.keys(s.silhouette).map(Number)).toEqual([2, 3, 4, 5, 6]);
    expect(s.silhouette[s.k]).toBe(Math.max(...Object.values(s.silhouette)));
    expect(s.assignment).toHaveLength(model.userIds.length);
    expect(Math.max(...s.assignment)).toBe(s.k - 1);
  });

  it("does not segment fewer than four traders", () => {
    const model = fitHybrid({
      interactions: [{ userId: "u", itemId: "i", timestamp: 0 }],
      items: [],
    });
    expect(fitSegments(model)).toBeNull();
  });
});

describe("preference similarity (cold start)", () => {
  it("weighs categories, budget overlap, market and group size", () => {
    const a = {
      userId: "a",
      market: "Mbare",
      categories: ["oil", "grain"],
      budgetMin: 10,
      budgetMax: 30,
      groupSize: 10,
    };
    expect(preferenceSimilarity(a, { ...a, userId: "b" })).toBeCloseTo(1);
    expect(budgetOverlap(a, { userId: "b", budgetMin: 20, budgetMax: 40 })).toBeCloseTo(10 / 30);
    expect(budgetOverlap(a, { userId: "b" })).toBe(0);
    expect(preferenceSimilarity(a, { userId: "c" })).toBe(0);
    const sameMarketOnly = preferenceSimilarity(a, { userId: "d", market: "Mbare" });
    const sameCategoriesOnly = preferenceSimilarity(a, {
      userId: "e",
      categories: ["oil", "grain"],
    });
    expect(sameCategoriesOnly).toBeGreaterThan(sameMarketOnly);
  });
});
