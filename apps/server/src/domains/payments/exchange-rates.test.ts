import { describe, expect, it } from "vitest";
import { microsToRate, rateToMicros } from "./exchange-rates.ts";

describe("exchange rate decimals", () => {
  it.each([
    ["26.85", 26_850_000],
    ["1", 1_000_000],
    ["0.000001", 1],
    ["13500.5", 13_500_500_000],
    ["26.850001", 26_850_001],
  ])("%s ZiG per dollar is %d millionths and back, exactly", (rate, micros) => {
    expect(rateToMicros(rate)).toBe(micros);
    expect(microsToRate(micros)).toBe(rate);
  });
});
