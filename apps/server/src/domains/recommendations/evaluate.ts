import {
  fitHybrid,
  type HybridModel,
  quantileTime,
  recommend,
  splitAt,
  type Weights,
} from "@cs/recommender";
import type { PlatformData } from "./training-data.ts";

export const EVAL_K = 10;

export interface SliceMetrics {
  ndcg: number;
  precision: number;
  recall: number;
  hitRate: number;
  users: number;
}

const EMPTY: SliceMetrics = { ndcg: 0, precision: 0, recall: 0, hitRate: 0, users: 0 };

/**
 * Offline metrics at k on the newest 20% of the platform's own interactions (by time): a model
 * fitted on what came before scores each trader who joined or paid in the slice against what
 * they did join or pay for. `weightSets` are scored on the same fit and slice, so a new version
 * and the active one are compared on exactly the same evidence.
 */
export function evaluateOnHeldOut(
  data: PlatformData,
  weightSets: ReadonlyArray<Partial<Weights>>,
  k = EVAL_K,
): SliceMetrics[] {
  if (data.interactions.length < 2) {
    return weightSets.map(() => EMPTY);
  }
  const cut = quantileTime(data.interactions, 0.8);
  const { train, test } = splitAt(data.interactions, cut);
  if (train.length === 0 || test.length === 0) {
    return weightSets.map(() => EMPTY);
  }
  const model = fitHybrid(
    { interactions: train, items: data.items, traders: data.traders },
    {
      now: cut,
    },
  );
  const truth = new Map<string, Set<string>>();
  for (const x of test) {
    if ((x.kind === "join" || x.kind === "payment") && model.itemIndex.has(x.itemId)) {
      const set = truth.get(x.userId) ?? new Set<string>();
      set.add(x.itemId);
      truth.set(x.userId, set);
    }
  }
  const profiles = new Map(data.traders.map((t) => [t.userId, t]));
  return weightSets.map((weights) => scoreSlice(model, truth, profiles, weights, k));
}

function scoreSlice(
  model: HybridModel,
  truth: ReadonlyMap<string, Set<string>>,
  profiles: ReadonlyMap<string, PlatformData["traders"][number]>,
  weights: Partial<Weights>,
  k: number,
): SliceMetrics {
  let ndcg = 0;
  let precision = 0;
  let recall = 0;
  let hits = 0;
  for (const [userId, bought] of truth) {
    const preferences = profiles.get(userId);
    const { items } = recommend(model, {
      userId,
      ...(preferences ? { preferences } : {}),
      k,
      mode: "repeat",
      weights,
    });
    let dcg = 0;
    let h = 0;
    items.forEach((item, rank) => {
      if (bought.has(item.itemId)) {
        h++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(k, bought.size); r++) {
      idcg += 1 / Math.log2(r + 2);
    }
    ndcg += dcg / idcg;
    precision += h / k;
    recall += h / bought.size;
    hits += h > 0 ? 1 : 0;
  }
  const n = truth.size;
  const mean = (x: number) => (n === 0 ? 0 : Math.round((x / n) * 10_000) / 10_000);
  return {
    ndcg: mean(ndcg),
    precision: mean(precision),
    recall: mean(recall),
    hitRate: mean(hits),
    users: n,
  };
}
