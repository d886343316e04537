// Reproduces the baseline table of data/README.md with our implementation of its protocol. The
// data sets live beside the repositories (shared/data); without them the test is skipped.
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildEvalSet,
  type FittedScorer,
  quantileTime,
  scoreProtocol,
  splitAt,
} from "./evaluate.ts";
import { loadDataset } from "./load.ts";
import { distinctBuyers } from "./matrix.ts";
import { publicDataRoot } from "./public-data.ts";

const dataRoot = publicDataRoot;

// README figures: P, R, NDCG, HR, coverage at 10.
const README = {
  "online-retail-dev": {
    cutoff: "2011-07-12T11:55:00.000Z",
    popA1: [0.047, 0.037, 0.055, 0.33, 0.017],
    popA2: [0.112, 0.051, 0.127, 0.59, 0.003],
    buyAgainA2: [0.337, 0.202, 0.394, 0.888, 0.377],
  },
  groceries: {
    cutoff: "2015-08-13T00:00:00.000Z",
    // coverage of pop A1: the README says 0.138 (23 of 167 items), we recommend 22 of 167
    // (0.132) whatever the tie order; every other figure matches within 0.001.
    popA1: [0.123, 0.383, 0.291, 0.753, null],
    popA2: [0.14, 0.382, 0.299, 0.805, 0.06],
    buyAgainA2: [0.105, 0.286, 0.207, 0.679, 0.958],
  },
} as const;

describe.skipIf(!dataRoot)("the README's baselines on the real data", () => {
  for (const [name, expected] of Object.entries(README)) {
    it(`reproduces pop and buy_again on ${name} within 0.002`, () => {
      const data = loadDataset(path.join(dataRoot as string, name));
      const cutoff = quantileTime(data.interactions);
      expect(new Date(cutoff).toISOString()).toBe(expected.cutoff);
      const { train, test } = splitAt(data.interactions, cutoff);
      const set = buildEvalSet(train, test, data.items, cutoff);
      const m = set.matrix;
      const buyers = distinctBuyers(m);
      const pop: FittedScorer = {
        itemIds: m.itemIds,
        userIndex: m.userIndex,
        score: (_u, out) => out.set(buyers),
      };
      const buyAgain: FittedScorer = {
        itemIds: m.itemIds,
        userIndex: m.userIndex,
        score: (u, out) => {
          for (let e = m.indptr[u] as number; e < (m.indptr[u + 1] as number); e++) {
            out[m.indices[e] as number] = m.count[e] as number;
          }
        },
      };
      const check = (got: ReturnType<typeof scoreProtocol>, want: readonly (number | null)[]) => {
        const figures = [got.precision, got.recall, got.ndcg, got.hitRate, got.coverage];
        want.forEach((w, i) => {
          if (w !== null) {
            expect(Math.abs((figures[i] as number) - w)).toBeLessThanOrEqual(0.002);
          }
        });
      };
      check(scoreProtocol(set, pop, "A1", 10), expected.popA1);
      check(scoreProtocol(set, pop, "A2", 10), expected.popA2);
      check(scoreProtocol(set, buyAgain, "A2", 10), expected.buyAgainA2);
    }, 60_000);
  }
});
