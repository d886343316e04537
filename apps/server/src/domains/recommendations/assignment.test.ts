import { describe, expect, it } from "vitest";
import { assignmentPoint, assignVariant } from "./assignment.ts";

const EXPERIMENT = "0193a000-0000-7000-8000-000000000001";
const OTHER = "0193a000-0000-7000-8000-000000000002";
/** Fixed trader ids, so that these counts are the same on every run. */
const traders = Array.from(
  { length: 100_000 },
  (_, i) => `0193b000-0000-7000-8000-${i.toString(16).padStart(12, "0")}`,
);
const variants = [
  { key: "control", share: 20 },
  { key: "b", share: 30 },
  { key: "c", share: 50 },
];

describe("assignVariant", () => {
  it("puts the same trader in the same variant every time, with nothing stored", () => {
    for (const trader of traders.slice(0, 100)) {
      const first = assignVariant(EXPERIMENT, trader, variants).key;
      for (let i = 0; i < 3; i++) {
        expect(assignVariant(EXPERIMENT, trader, variants).key).toBe(first);
      }
    }
    const point = assignmentPoint(EXPERIMENT, traders[0] as string);
    expect(point).toBeGreaterThanOrEqual(0);
    expect(point).toBeLessThan(100);
  });

  it("splits 100,000 traders by the shares, within 1 point (the ids are fixed: no flake)", () => {
    const counts = new Map<string, number>();
    for (const trader of traders) {
      const key = assignVariant(EXPERIMENT, trader, variants).key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // 1 point is over 6 standard deviations of a fair split of 100,000 (√(n·p·(1−p)) ≤ 158).
    for (const v of variants) {
      expect(Math.abs((counts.get(v.key) ?? 0) / traders.length - v.share / 100)).toBeLessThan(
        0.01,
      );
    }
  });

  it("shuffles traders independently in another experiment", () => {
    const halves = [
      { key: "a", share: 50 },
      { key: "b", share: 50 },
    ];
    let both = 0;
    for (const trader of traders) {
      if (
        assignVariant(EXPERIMENT, trader, halves).key === "a" &&
        assignVariant(OTHER, trader, halves).key === "a"
      ) {
        both += 1;
      }
    }
    // Independent halves: a quarter are in "a" twice (the same halves would give a half).
    expect(Math.abs(both / traders.length - 0.25)).toBeLessThan(0.01);
  });
});
