import { describe, expect, it } from "vitest";
import { listsFromScores, scoreAllSignals } from "./fusion.ts";
import { fitHybrid } from "./hybrid.ts";
import { recommend } from "./recommend.ts";
import { scoreProfile } from "./score.ts";
import { profileOf, SIGNALS } from "./signals.ts";
import { DAY, START, syntheticMarket } from "./test-market.ts";
import { COMPONENTS } from "./types.ts";
import { ConfigError } from "./weights.ts";

const market = syntheticMarket();
const model = fitHybrid(market, { now: market.now });

describe("fitHybrid and recommend", () => {
  it("puts a trader's due staples first in repeat mode, explained by buy-again", () => {
    const result = recommend(model, { userId: "trader-0", k: 5 });
    expect(result.coldStart).toBe(false);
    const staples = ["grain-0", "grain-1", "grain-2"];
    expect(staples).toContain(result.items[0]?.itemId);
    const top = result.items[0];
    expect(top?.explanation.component).toBe("buyAgain");
    expect(["recommend.buyAgain.due", "recommend.buyAgain.staple"]).toContain(top?.explanation.key);
    expect(top?.explanation.because).toEqual([top?.itemId]);
  });

  it("gives every recommendation a score that is exactly the sum of its contributions", () => {
    for (const mode of ["repeat", "discovery"] as const) {
      for (const item of recommend(model, { userId: "trader-4", k: 10, mode }).items) {
        const sum = COMPONENTS.reduce((s, c) => s + item.contributions[c], 0);
        expect(item.score).toBeCloseTo(sum, 12);
        for (const c of COMPONENTS) {
          expect(item.contributions[c]).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it("ranks by the score it reports", () => {
    const scores = recommend(model, { userId: "trader-7", k: 10 }).items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("never shows the trader's own products in discovery mode", () => {
    const own = new Set(
      market.interactions.filter((x) => x.userId === "trader-2").map((x) => x.itemId),
    );
    const items = recommend(model, { userId: "trader-2", k: 10, mode: "discovery" }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(own.has(item.itemId)).toBe(false);
    }
  });

  it("keeps to the candidates, drops exclusions and reports unknown ids without failing", () => {
    const result = recommend(model, {
      userId: "trader-0",
      candidates: ["grain-0", "oil-1", "soap-2", "no-such-product"],
      exclude: ["grain-0", "also-unknown"],
      k: 10,
    });
    expect(result.items.map((i) => i.itemId).sort()).toEqual(["oil-1", "soap-2"]);
    expect(result.unknownIds).toEqual(["no-such-product", "also-unknown"]);
  });

  it("starts a new trader from similar traders' preferences (categories, market)", () => {
    const result = recommend(model, {
      userId: "new-trader",
      preferences: {
        userId: "new-trader",
        market: "Mbare",
        categories: ["oil"],
        budgetMin: 5,
        budgetMax: 30,
      },
      k: 5,
    });
    expect(result.coldStart).toBe(true);
    const oil = result.items.filter((i) => i.itemId.startsWith("oil-")).length;
    expect(oil).toBeGreaterThanOrEqual(3);
    const reasons = result.items.map((i) => i.explanation.key);
    expect(
      reasons.some(
        (k) => k === "recommend.cf.similarTradersInMarket" || k === "recommend.popularity.market",
      ),
    ).toBe(true);
  });

  it("serves a trader with no history and no preferences by popularity", () => {
    const result = recommend(model, { userId: "nobody", k: 3 });
    expect(result.coldStart).toBe(true);
    expect(result.items).toHaveLength(3);
    for (const item of result.items) {
      expect(item.contributions.buyAgain).toBe(0);
    }
  });

  it("gives a new product a bounded freshness bonus", () => {
    const createdAt = new Map([["soap-4", market.now - DAY]]);
    const result = recommend(model, { userId: "trader-0", k: 15, createdAt });
    const fresh = result.items.find((i) => i.itemId === "soap-4");
    expect(fresh?.contributions.freshness).toBeGreaterThan(0);
    // Bounded: at most the freshness weight × the best calibrated probability of any signal.
    const cap = Math.max(...Object.values(model.calibrations.repeat).map((c) => c.probs[0] ?? 0));
    expect(fresh?.contributions.freshness).toBeLessThanOrEqual(
      model.weights.freshness * cap + 1e-12,
    );
    const old = recommend(model, {
      userId: "trader-0",
      k: 15,
      createdAt: new Map([["soap-4", START - 400 * DAY]]),
    });
    expect(old.items.find((i) => i.itemId === "soap-4")?.contributions.freshness ?? 0).toBe(0);
  });
});

describe("bad input", () => {
  it("fits and serves on empty data", () => {
    const empty = fitHybrid({ interactions: [], items: [] });
    expect(recommend(empty, { userId: "x" }).items).toEqual([]);
    const catalogueOnly = fitHybrid({ interactions: [], items: market.items });
    expect(recommend(catalogueOnly, { userId: "x", k: 3 }).items.length).toBeLessThanOrEqual(3);
  });

  it("fits with one user and one item", () => {
    const one = fitHybrid({
      interactions: [
        { userId: "u", itemId: "i", timestamp: START },
        { userId: "u", itemId: "i", timestamp: START + 7 * DAY },
      ],
      items: [],
    });
    const result = recommend(one, { userId: "u" });
    expect(result.items.map((i) => i.itemId)).toEqual(["i"]);
    expect(Number.isFinite(result.items[0]?.score)).toBe(true);
  });

  it("fits when no item has text", () => {
    const bare = market.items.map((i) => ({ itemId: i.itemId }));
    const m = fitHybrid({ interactions: market.interactions, items: bare });
    const items = recommend(m, { userId: "trader-1", k: 5 }).items;
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item.contributions.content).toBe(0);
      expect(Number.isFinite(item.score)).toBe(true);
    }
  });

  it("refuses NaN, negative, unknown or all-zero weights", () => {
    expect(() => fitHybrid(market, { weights: { cf: Number.NaN } })).toThrow(ConfigError);
    expect(() => fitHybrid(market, { weights: { content: -0.1 } })).toThrow(/must not be negative/);
    expect(() =>
      recommend(model, { userId: "trader-0", weights: { popularity: Number.POSITIVE_INFINITY } }),
    ).toThrow(ConfigError);
    expect(() =>
      recommend(model, {
        userId: "trader-0",
        weights: { cf: 0, content: 0, popularity: 0, buyAgain: 0, freshness: 0 },
      }),
    ).toThrow(/at least one/);
    expect(() => recommend(model, { userId: "trader-0", weights: { typo: 1 } as never })).toThrow(
      /not a component/,
    );
  });

  it("lets an experiment's weights change the mix", () => {
    const popOnly = recommend(model, {
      userId: "trader-0",
      k: 3,
      weights: { cf: 0, content: 0, buyAgain: 0, popularity: 1, freshness: 0 },
    });
    for (const item of popOnly.items) {
      expect(item.contributions.cf + item.contributions.buyAgain + item.contributions.content).toBe(
        0,
      );
    }
  });
});

describe("the ranked lists of popularity and buy-again", () => {
  it("are the full-catalogue rankings, taken without scoring every product", () => {
    // Every signal trusted, so that none is left idle.
    const trusting = structuredClone(model.calibrations);
    for (const mode of ["repeat", "discovery"] as const) {
      for (const signal of SIGNALS) {
        trusting[mode][signal].trust = 1;
      }
    }
    const everySignal = { ...model, calibrations: trusting };
    const s = model.signals;
    const n = s.nItems;
    const raw = new Float64Array(n * SIGNALS.length);
    const scratch = new Float64Array(n);
    let compared = 0;
    for (let u = 0; u < model.userIds.length; u += 3) {
      const profile = profileOf(s, u);
      for (const mode of ["repeat", "discovery"] as const) {
        const excluded = new Uint8Array(n);
        if (mode === "discovery") {
          for (const i of Array.from(profile.items)) {
            excluded[i] = 1;
          }
        }
        scoreAllSignals(s, profile, raw);
        const full = listsFromScores(s, raw, excluded, scratch);
        const served = scoreProfile(everySignal, profile, mode, new Float64Array(n));
        for (const signal of ["popularity", "buyAgain"] as const) {
          expect([...served[signal]]).toEqual([...full[signal]]);
          compared += full[signal].length;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
