import { describe, expect, it } from "vitest";
import { differenceInterval, wilsonInterval, Z_95 } from "./statistics.ts";

describe("wilsonInterval", () => {
  it("matches a hand computation for 5 of 10", () => {
    // p = 0.5, z² = 3.841459, 1 + z²/n = 1.384146; the centre is (0.5 + 0.192073) / 1.384146 = 0.5;
    // half-width = 1.959964 · √(0.025 + 3.841459/400) / 1.384146 = 1.959964 · 0.186021 / 1.384146
    // = 0.263407.
    const ci = wilsonInterval({ successes: 5, trials: 10 });
    expect(ci.rate).toBe(0.5);
    expect(ci.low).toBeCloseTo(0.236593, 6);
    expect(ci.high).toBeCloseTo(0.763407, 6);
  });

  it("stays inside [0, 1] with a real width at 0 and at n successes", () => {
    // 0 of 10: centre = half-width = (z²/20) / (1 + z²/10) = 0.192073 / 1.384146 = 0.138766,
    // so the upper limit is 2 · 0.138766 = 0.277533.
    const none = wilsonInterval({ successes: 0, trials: 10 });
    expect(none).toMatchObject({ rate: 0, low: 0 });
    expect(none.high).toBeCloseTo(0.277533, 6);
    const all = wilsonInterval({ successes: 10, trials: 10 });
    expect(all).toMatchObject({ rate: 1, high: 1 });
    expect(all.low).toBeCloseTo(1 - 0.277533, 6);
  });

  it("matches the published limits of 56 of 70 and 48 of 80 (Newcombe 1998)", () => {
    const a = wilsonInterval({ successes: 56, trials: 70 });
    expect(a.low).toBeCloseTo(0.6918, 4);
    expect(a.high).toBeCloseTo(0.877, 3);
    const b = wilsonInterval({ successes: 48, trials: 80 });
    expect(b.low).toBeCloseTo(0.4905, 4);
    expect(b.high).toBeCloseTo(0.7004, 4);
  });

  it("says nothing is known without trials, and refuses impossible counts", () => {
    expect(wilsonInterval({ successes: 0, trials: 0 })).toEqual({ rate: null, low: 0, high: 1 });
    expect(() => wilsonInterval({ successes: 3, trials: 2 })).toThrow(RangeError);
    expect(() => wilsonInterval({ successes: -1, trials: 2 })).toThrow(RangeError);
    expect(() => wilsonInterval({ successes: 0.5, trials: 2 })).toThrow(RangeError);
  });

  it("narrows with the sample at the same rate", () => {
    const small = wilsonInterval({ successes: 10, trials: 100 });
    const large = wilsonInterval({ successes: 1000, trials: 10_000 });
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
    expect(Z_95).toBeCloseTo(1.96, 2);
  });
});

describe("differenceInterval", () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions",
  // Table II, method 10, rounded to 4 places there.
  it("matches the published limits of 56/70 − 48/80: 0.0524 to 0.3339", () => {
    const d = differenceInterval({ successes: 56, trials: 70 }, { successes: 48, trials: 80 });
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
  });

  it("matches 9/10 − 3/10: 0.1705 to 0.8090, and 5/56 − 0/29: −0.0381 to 0.1926", () => {
    const a = differenceInterval({ successes: 9, trials: 10 }, { successes: 3, trials: 10 });
    expect(a.low).toBeCloseTo(0.1705, 4);
    expect(a.high).toBeCloseTo(0.809, 4);
    const b = differenceInterval({ successes: 5, trials: 56 }, { successes: 0, trials: 29 });
    expect(b.difference).toBeCloseTo(5 / 56, 12);
    expect(b.low).toBeCloseTo(-0.0381, 4);
    expect(b.high).toBeCloseTo(0.1926, 4);
  });

  it("is symmetric around 0 for equal samples, and unknown when a side has no trials", () => {
    // 0/10 − 0/10: ±√(0 + 0.277533²) = ±0.277533.
    const same = differenceInterval({ successes: 0, trials: 10 }, { successes: 0, trials: 10 });
    expect(same.difference).toBe(0);
    expect(same.low).toBeCloseTo(-0.277533, 6);
    expect(same.high).toBeCloseTo(0.277533, 6);
    expect(differenceInterval({ successes: 1, trials: 2 }, { successes: 0, trials: 0 })).toEqual({
      difference: null,
      low: -1,
      high: 1,
    });
  });
});
