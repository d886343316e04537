import { describe, expect, it } from "vitest";
import { diversify, pickDiverse } from "./serve.ts";

type Entry = { id: number; supplierId: string };

/** A ranking of `n` products whose suppliers `supplierAt` gives, and a counter of requests. */
function ranking(n: number, supplierAt: (i: number) => string) {
  const full: Entry[] = Array.from({ length: n }, (_, id) => ({ id, supplierId: supplierAt(id) }));
  const asked: number[] = [];
  const rank = (k: number) => {
    asked.push(k);
    return full.slice(0, k);
  };
  return { full, asked, rank };
}

describe("diversify", () => {
  it("keeps any supplier to a third of the list while others have something, then fills", () => {
    const { full } = ranking(12, (i) => (i < 8 ? "a" : `s${i}`));
    expect(diversify(full, 6).map((e) => e.id)).toEqual([0, 1, 8, 9, 10, 11]);
    // With only the first supplier's products, the list is filled from those skipped.
    expect(diversify(full.slice(0, 8), 6).map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("pickDiverse", () => {
  it("asks the model for three times the list when the top is mixed", () => {
    const { full, asked, rank } = ranking(2_000, (i) => `s${i % 7}`);
    expect(pickDiverse(rank, full.length, 10)).toEqual(diversify(full, 10));
    expect(asked).toEqual([30]);
  });

  it("asks for more when one supplier crowds the top, and picks as if every product was ranked", () => {
    const { full, asked, rank } = ranking(2_000, (i) => (i < 500 ? "crowd" : `s${i % 5}`));
    const picked = pickDiverse(rank, full.length, 10);
    expect(picked).toEqual(diversify(full, 10));
    expect(picked.map((e) => e.id)).toEqual([0, 1, 2, 3, 500, 501, 502, 503, 504, 505]);
    expect(asked).toEqual([30, 120, 480, 1_920]);
  });

  it("stops at the candidates there are", () => {
    const one = ranking(3, () => "a");
    expect(pickDiverse(one.rank, 3, 10).map((e) => e.id)).toEqual([0, 1, 2]);
    expect(one.asked).toEqual([3]);
    const none = ranking(0, () => "a");
    expect(pickDiverse(none.rank, 0, 10)).toEqual([]);
  });
});
