import { buildMatrix, distinctBuyers, type InteractionMatrix } from "./matrix.ts";
import { topK } from "./topk.ts";
import type { Interaction, Item } from "./types.ts";

export type Protocol = "A1" | "A2";

/** A model fitted on the train split, scoring every product it knows for a trader it knows. */
export interface FittedScorer {
  itemIds: readonly string[];
  userIndex: ReadonlyMap<string, number>;
  /** Writes a score per product (in `itemIds` order) into `out`; higher is better. */
  score(user: number, out: Float64Array): void;
}

export interface Metrics {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  coverage: number;
  users: number;
  fitSeconds: number;
}

/** The time at quantile q of all rows' times, interpolated linearly as numpy's default does. */
export function quantileTime(interactions: readonly Interaction[], q = 0.8): number {
  const times = Float64Array.from(interactions, (x) => x.timestamp).sort();
  if (times.length === 0) {
    return Number.NaN;
  }
  const pos = q * (times.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, times.length - 1);
  return (times[lo] as number) + (pos - lo) * ((times[hi] as number) - (times[lo] as number));
}

/** Train = strictly before the cutoff, test = at or after it. */
export function splitAt(interactions: readonly Interaction[], cutoff: number) {
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  for (const x of interactions) {
    (x.timestamp < cutoff ? train : test).push(x);
  }
  return { train, test };
}

/** What the protocol needs of a split: candidates, ground truth per user, tie-break popularity. */
export interface EvalSet {
  matrix: InteractionMatrix;
  candidate: Uint8Array;
  popularity: Float64Array;
  candidates: number;
  /** Per protocol: the evaluated users (matrix indices) and their truth (matrix item indices). */
  truth: Record<Protocol, { users: Int32Array; items: Int32Array[] }>;
}

/**
 * Distinct products each known trader bought in `later`, limited to products `known` accepts:
 * the ground truth of a temporal split.
 */
export function laterPurchases(
  matrix: InteractionMatrix,
  later: readonly Interaction[],
  known: (item: number) => boolean,
): Map<number, Set<number>> {
  const bought = new Map<number, Set<number>>();
  for (const x of later) {
    const u = matrix.userIndex.get(x.userId);
    const i = matrix.itemIndex.get(x.itemId);
    if (u === undefined || i === undefined || !known(i)) {
      continue;
    }
    let set = bought.get(u);
    if (!set) {
      set = new Set();
      bought.set(u, set);
    }
    set.add(i);
  }
  return bought;
}

/** Builds the candidates and the ground truth of both protocols, exactly as data/README.md says. */
export function buildEvalSet(
  train: readonly Interaction[],
  test: readonly Interaction[],
  items: readonly Item[],
  cutoff: number,
): EvalSet {
  const matrix = buildMatrix(train, items, { now: cutoff });
  const popularity = distinctBuyers(matrix);
  const candidate = Uint8Array.from(popularity, (p) => (p > 0 ? 1 : 0));
  const tested = laterPurchases(matrix, test, (i) => candidate[i] === 1);
  const a1Users: number[] = [];
  const a1Items: Int32Array[] = [];
  const a2Users: number[] = [];
  const a2Items: Int32Array[] = [];
  const users = [...tested.keys()].sort((a, b) => a - b);
  for (const u of users) {
    const all = [...(tested.get(u) as Set<number>)].sort((a, b) => a - b);
    a2Users.push(u);
    a2Items.push(Int32Array.from(all));
    const own = new Set(matrix.indices.subarray(matrix.indptr[u], matrix.indptr[u + 1]));
    const fresh = all.filter((i) => !own.has(i));
    if (fresh.length > 0) {
      a1Users.push(u);
      a1Items.push(Int32Array.from(fresh));
    }
  }
  return {
    matrix,
    candidate,
    popularity,
    candidates: candidate.reduce((a, b) => a + b, 0),
    truth: {
      A1: { users: Int32Array.from(a1Users), items: a1Items },
      A2: { users: Int32Array.from(a2Users), items: a2Items },
    },
  };
}

/** Precision, recall, NDCG, hit rate and coverage at k of a fitted model on one protocol. */
export function scoreProtocol(
  set: EvalSet,
  model: FittedScorer,
  protocol: Protocol,
  k: number,
): Omit<Metrics, "fitSeconds"> {
  const m = set.matrix;
  const nItems = m.itemIds.length;
  const perm = new Int32Array(nItems).fill(-1);
  const modelItems = new Map(model.itemIds.map((id, i) => [id, i]));
  m.itemIds.forEach((id, i) => {
    perm[i] = modelItems.get(id) ?? -1;
  });
  const own = new Float64Array(model.itemIds.length);
  const scores = new Float64Array(nItems);
  const recommended = new Uint8Array(nItems);
  const { users, items } = set.truth[protocol];
  const discount = Float64Array.from({ length: k }, (_, r) => 1 / Math.log2(r + 2));
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let hits = 0;
  for (let n = 0; n < users.length; n++) {
    const u = users[n] as number;
    const mu = model.userIndex.get(m.userIds[u] as string);
    own.fill(0);
    if (mu !== undefined) {
      model.score(mu, own);
    }
    for (let i = 0; i < nItems; i++) {
      const p = perm[i] as number;
      scores[i] =
        set.candidate[i] !== 1 ? Number.NEGATIVE_INFINITY : p < 0 ? 0 : (own[p] as number);
    }
    if (protocol === "A1") {
      for (let e = m.indptr[u] as number; e < (m.indptr[u + 1] as number); e++) {
        scores[m.indices[e] as number] = Number.NEGATIVE_INFINITY;
      }
    }
    const list = topK(scores, k, set.popularity);
    const truth = new Set(items[n]);
    let h = 0;
    let dcg = 0;
    list.forEach((i, r) => {
      recommended[i] = 1;
      if (truth.has(i)) {
        h++;
        dcg += discount[r] as number;
      }
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(truth.size, k); r++) {
      idcg += discount[r] as number;
    }
    precision += h / k;
    recall += h / truth.size;
    ndcg += dcg / idcg;
    hits += h > 0 ? 1 : 0;
  }
  const count = users.length;
  const mean = (x: number) => (count === 0 ? 0 : x / count);
  return {
    precision: mean(precision),
    recall: mean(recall),
    ndcg: mean(ndcg),
    hitRate: mean(hits),
    coverage: set.candidates === 0 ? 0 : recommended.reduce((a, b) => a + b, 0) / set.candidates,
    users: count,
  };
}
