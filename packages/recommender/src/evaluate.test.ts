import { describe, expect, it } from "vitest";
import {
  buildEvalSet,
  type FittedScorer,
  quantileTime,
  scoreProtocol,
  splitAt,
} from "./evaluate.ts";
import { seededRandom } from "./linalg.ts";
import { topK } from "./topk.ts";
import type { Interaction } from "./types.ts";

const day = (d: number) => Date.UTC(2020, 0, d);
const x = (userId: string, itemId: string, d: number): Interaction => ({
  userId,
  itemId,
  timestamp: day(d),
});

// Train (before day 10): a bought a, b; b bought a, c; c bought d. Test: a buys a (repeat) and c;
// b buys e (not in train); c buys d (repeat only).
const rows = [
  x("a", "a", 1),
  x("a", "b", 2),
  x("b", "a", 3),
  x("b", "c", 4),
  x("c", "d", 5),
  x("c", "a", 6),
  x("a", "a", 10),
  x("a", "c", 11),
  x("b", "e", 12),
  x("c", "d", 13),
];

/** A fixed ranking for everyone: the scores given. */
function fixed(set: ReturnType<typeof buildEvalSet>, scores: Record<string, number>): FittedScorer {
  const ids = set.matrix.itemIds;
  return {
    itemIds: ids,
    userIndex: set.matrix.userIndex,
    score: (_u, out) => {
      ids.forEach((id, i) => {
        out[i] = scores[id] ?? 0;
      });
    },
  };
}

describe("the evaluation protocol", () => {
  const { train, test } = splitAt(rows, day(10));
  const set = buildEvalSet(train, test, [], day(10));

  it("splits strictly before the cutoff", () => {
    expect(train).toHaveLength(6);
    expect(test[0]?.timestamp).toBe(day(10));
  });

  it("takes candidates from train and truth per protocol", () => {
    expect(set.candidates).toBe(4);
    const ids = (items: Int32Array) => [...items].map((i) => set.matrix.itemIds[i]);
    const users = (u: Int32Array) => [...u].map((i) => set.matrix.userIds[i]);
    // A2: distinct test items that exist in train; b's only test item (e) is new, so b is out.
    expect(users(set.truth.A2.users)).toEqual(["a", "c"]);
    expect(set.truth.A2.items.map(ids)).toEqual([["a", "c"], ["d"]]);
    // A1: own train items removed; c has nothing new left and is skipped.
    expect(users(set.truth.A1.users)).toEqual(["a"]);
    expect(set.truth.A1.items.map(ids)).toEqual([["c"]]);
  });

  it("scores A1 without the trader's own items, with NDCG over min(|truth|, k)", () => {
    // Everyone gets a > b > c > d; for a (owns a, b) the A1 list is c, d: c is a hit at rank 1.
    const m = scoreProtocol(set, fixed(set, { a: 4, b: 3, c: 2, d: 1 }), "A1", 2);
    expect(m).toMatchObject({ precision: 0.5, recall: 1, ndcg: 1, hitRate: 1, users: 1 });
    expect(m.coverage).toBe(2 / 4);
  });

  it("scores A2 with repeats allowed", () => {
    const m = scoreProtocol(set, fixed(set, { a: 4, b: 3, c: 2, d: 1 }), "A2", 2);
    // a: list a, b → 1 hit of 2 (ndcg 1/(1+1/log2 3)); c: list a, b → no hit.
    const idcg = 1 + 1 / Math.log2(3);
    expect(m.precision).toBeCloseTo((0.5 + 0) / 2);
    expect(m.recall).toBeCloseTo((0.5 + 0) / 2);
    expect(m.ndcg).toBeCloseTo((1 / idcg + 0) / 2);
    expect(m.hitRate).toBe(0.5);
  });

  it("breaks ties by popularity (distinct train buyers)", () => {
    // All scores equal: a (3 buyers) first, then b, c, d (1 each) by index.
    const m = scoreProtocol(set, fixed(set, {}), "A2", 1);
    expect(m.precision).toBe(0.5);
  });

  it("takes the 80th percentile of the times, interpolated", () => {
    expect(quantileTime([x("a", "a", 1), x("a", "a", 2)], 0.5)).toBe(day(1) + 43_200_000);
    expect(Number.isNaN(quantileTime([]))).toBe(true);
  });
});

describe("topK", () => {
  it("orders by score, then tie-break, then index, and skips -Infinity", () => {
    const scores = [1, 3, 3, Number.NEGATIVE_INFINITY, 2, 3];
    const ties = [0, 1, 5, 9, 0, 1];
    expect([...topK(scores, 4, ties)]).toEqual([2, 1, 5, 4]);
    expect([...topK([Number.NEGATIVE_INFINITY, Number.NaN], 3)]).toEqual([]);
  });

  it("selects deep lists (by heap) in the same order as a full sort", () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 600);
      // Few distinct values: many ties on score and on the tie-break.
      const scores = Array.from({ length: n }, () =>
        random() < 0.1 ? Number.NEGATIVE_INFINITY : Math.floor(random() * 6),
      );
      const ties = Array.from({ length: n }, () => Math.floor(random() * 3));
      const k = 25 + Math.floor(random() * 200);
      const sorted = scores
        .map((_, i) => i)
        .filter((i) => (scores[i] as number) > Number.NEGATIVE_INFINITY)
        .sort(
          (a, b) =>
            (scores[b] as number) - (scores[a] as number) ||
            (ties[b] as number) - (ties[a] as number) ||
            a - b,
        )
        .slice(0, k);
      expect([...topK(scores, k, ties)]).toEqual(sorted);
    }
  });
});
