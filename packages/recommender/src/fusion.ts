import {
  bucketOf,
  CalibrationCounts,
  calibrated,
  MAX_RANK,
  type RankCalibration,
} from "./calibrate.ts";
import {
  buyAgainRanked,
  type FittedSignals,
  type Profile,
  SIGNALS,
  type Signal,
  scoreSignal,
} from "./signals.ts";
import { topK } from "./topk.ts";
import type { Component } from "./types.ts";

/** "repeat": the trader's own products may come back (restocking); "discovery": only new ones. */
export type Mode = "repeat" | "discovery";
export const MODES: readonly Mode[] = ["repeat", "discovery"];

/** Fusion weights per component: relative multipliers on the calibrated scale. */
export type Weights = Record<Component, number>;

/**
 * DESIGN.md's weights (CF 0.6, content 0.3, popularity 0.1), plus buy-again on the footing of CF
 * (it is the trader's own interactions) and a small bonus for new products.
 */
export const DEFAULT_WEIGHTS: Weights = {
  cf: 0.6,
  content: 0.3,
  popularity: 0.1,
  buyAgain: 0.6,
  freshness: 0.05,
};

export const SIGNAL_COMPONENT: Record<Signal, Component> = {
  ease: "cf",
  itemKnn: "cf",
  nmf: "cf",
  content: "content",
  popularity: "popularity",
  buyAgain: "buyAgain",
};

/** A signal's rank calibration and its trust: the multiplier learned on the held-back slice. */
export interface SignalCalibration extends RankCalibration {
  trust: number;
}
export type Calibrations = Record<Mode, Record<Signal, SignalCalibration>>;

/** The raw scores of every signal for one profile (signal k at k·n). */
export function scoreAllSignals(
  s: FittedSignals,
  profile: Profile,
  out: Float64Array,
  skip?: ReadonlySet<Signal>,
): void {
  const n = s.nItems;
  SIGNALS.forEach((signal, k) => {
    if (!skip?.has(signal)) {
      scoreSignal(s, signal, profile, out.subarray(k * n, (k + 1) * n));
    }
  });
}

/**
 * The ranked lists (best first, MAX_RANK long at most) of every signal from its raw scores.
 * Only positive scores count as ranked; `excluded` products are left out.
 */
export function listsFromScores(
  s: FittedSignals,
  raw: Float64Array,
  excluded: Uint8Array | null,
  scratch: Float64Array,
  skip?: ReadonlySet<Signal>,
  depth = MAX_RANK,
): Record<Signal, Int32Array> {
  const n = s.nItems;
  const lists = {} as Record<Signal, Int32Array>;
  SIGNALS.forEach((signal, k) => {
    if (skip?.has(signal)) {
      lists[signal] = new Int32Array(0);
      return;
    }
    const o = k * n;
    for (let i = 0; i < n; i++) {
      const v = raw[o + i] as number;
      scratch[i] = v > 0 && !(excluded && excluded[i] === 1) ? v : Number.NEGATIVE_INFINITY;
    }
    lists[signal] = topK(scratch, depth, s.buyers);
  });
  return lists;
}

/** Signals that weigh nothing in a mix (no need to score them: they contribute exactly 0). */
export function idleSignals(cal: Record<Signal, SignalCalibration>, weights: Weights): Set<Signal> {
  const mult = multipliers(cal, weights);
  return new Set(SIGNALS.filter((_signal, k) => mult[k] === 0));
}

/** Effective multiplier of each signal: the component's weight × the signal's learned trust. */
function multipliers(cal: Record<Signal, SignalCalibration>, weights: Weights) {
  return SIGNALS.map((signal) => weights[SIGNAL_COMPONENT[signal]] * cal[signal].trust);
}

/**
 * Fused score of every product (written into out) from ranked lists: Σ weight·trust·lift, where
 * a signal's lift is P(relevant | its rank) minus its tail probability: 0 for a product the signal
 * does not rank. (The tails are the same for every product, so leaving them out changes no
 * ranking, and a component that says nothing about a product contributes exactly 0.)
 */
export function fuseLists(
  lists: Record<Signal, Int32Array>,
  cal: Record<Signal, SignalCalibration>,
  weights: Weights,
  out: Float64Array,
): void {
  const mult = multipliers(cal, weights);
  out.fill(0);
  SIGNALS.forEach((signal, k) => {
    const m = mult[k] as number;
    if (m === 0) {
      return;
    }
    const c = cal[signal];
    const list = lists[signal];
    for (let r = 0; r < list.length; r++) {
      const i = list[r] as number;
      out[i] = (out[i] as number) + m * (calibrated(c, r) - c.tail);
    }
  });
}

/** Validation data for learning calibrations: per user, the profile and the truth per mode. */
export interface ValidationUser {
  profile: Profile;
  own: Int32Array;
  truth: Record<Mode, Set<number>>;
}

const TRUST_GRID = [0, 0.1, 0.2, 0.35, 0.5, 0.7, 1, 1.4, 2, 3, 5, 8];

/**
 * Learns, per mode, each signal's rank calibration and then its trust (coordinate ascent on the
 * validation NDCG@k of the fused ranking), from users of a held-back slice of the training data.
 * A signal that does not help gets trust 0, so the fusion is never worse than its best signal on
 * that slice.
 */
export function learnCalibrations(
  s: FittedSignals,
  users: readonly ValidationUser[],
  candidates: number,
  k: number,
): Calibrations {
  const n = s.nItems;
  const scratch = new Float64Array(n);
  const raw = new Float64Array(n * SIGNALS.length);
  const perMode = {} as Calibrations;
  const stored: Record<Mode, { lists: Record<Signal, Int32Array>; truth: Set<number> }[]> = {
    repeat: [],
    discovery: [],
  };
  const counts = {} as Record<Mode, Record<Signal, CalibrationCounts>>;
  for (const mode of MODES) {
    counts[mode] = {} as Record<Signal, CalibrationCounts>;
    for (const signal of SIGNALS) {
      counts[mode][signal] = new CalibrationCounts();
    }
  }
  const own = new Set<number>();
  // Popularity ranks every trader of a market alike (one deep list per market serves them all),
  // and buy-again ranks only the trader's own products: neither needs every product scored.
  const sparse = new Set<Signal>(["popularity", "buyAgain"]);
  const deepest = MAX_RANK + users.reduce((a, u) => Math.max(a, u.own.length), 0);
  const popular = new Map<string, Int32Array>();
  for (const user of users) {
    scoreAllSignals(s, user.profile, raw, sparse);
    // One ranking per signal serves both modes: ranked deep enough, the discovery list is the
    // repeat list without the trader's own products (the order of the rest is the same).
    const depth = MAX_RANK + user.own.length;
    const deep = listsFromScores(s, raw, null, scratch, sparse, depth);
    const market = user.profile.market ?? "";
    let popularity = popular.get(market);
    if (!popularity) {
      scoreSignal(s, "popularity", user.profile, scratch);
      for (let i = 0; i < n; i++) {
        scratch[i] = (scratch[i] as number) > 0 ? (scratch[i] as number) : Number.NEGATIVE_INFINITY;
      }
      popularity = topK(scratch, deepest, s.buyers);
      popular.set(market, popularity);
    }
    deep.popularity = popularity.subarray(0, depth);
    deep.buyAgain = buyAgainRanked(s, user.profile).subarray(0, depth);
    own.clear();
    for (const i of user.own) {
      own.add(i);
    }
    for (const mode of MODES) {
      const truth = user.truth[mode];
      if (truth.size === 0) {
        continue;
      }
      const lists = {} as Record<Signal, Int32Array>;
      for (const signal of SIGNALS) {
        const list = deep[signal];
        lists[signal] =
          mode === "repeat"
            ? list.subarray(0, MAX_RANK)
            : list.filter((i) => !own.has(i)).subarray(0, MAX_RANK);
      }
      const pool = candidates - (mode === "discovery" ? user.own.length : 0);
      for (const signal of SIGNALS) {
        const c = counts[mode][signal];
        let hits = 0;
        lists[signal].forEach((i, r) => {
          const hit = truth.has(i);
          hits += hit ? 1 : 0;
          c.add(bucketOf(r), hit);
        });
        const rest = pool - lists[signal].length;
        if (rest > 0) {
          c.add(bucketOf(MAX_RANK), false, rest, truth.size - hits);
        }
      }
      stored[mode].push({ lists, truth });
    }
  }
  for (const mode of MODES) {
    const cal = {} as Record<Signal, SignalCalibration>;
    for (const signal of SIGNALS) {
      cal[signal] = { ...counts[mode][signal].finish(), trust: 1 };
    }
    const prepared = stored[mode].map(({ lists, truth }) => storeUser(lists, cal, truth, s.buyers));
    learnTrust(cal, prepared, k);
    perMode[mode] = cal;
  }
  return perMode;
}

/**
 * Depth of each list kept for learning trusts: a product that no signal ranks this high does not
 * reach a top 10 of the fused list in practice, and the search runs hundreds of rankings.
 */
const TRUST_DEPTH = 40;

/** One validation user's candidates: the union of the signals' lists, with calibrated lifts. */
interface StoredUser {
  /** lift[k·size + j]: P(rank of item j by signal k) − tail of signal k. */
  lift: Float32Array;
  size: number;
  relevant: Uint8Array;
  ties: Float32Array;
  truthSize: number;
}

function storeUser(
  lists: Record<Signal, Int32Array>,
  cal: Record<Signal, SignalCalibration>,
  truth: Set<number>,
  buyers: Float32Array,
): StoredUser {
  const position = new Map<number, number>();
  for (const signal of SIGNALS) {
    for (const i of lists[signal].subarray(0, TRUST_DEPTH)) {
      if (!position.has(i)) {
        position.set(i, position.size);
      }
    }
  }
  const size = position.size;
  const lift = new Float32Array(SIGNALS.length * size);
  SIGNALS.forEach((signal, k) => {
    const c = cal[signal];
    lists[signal].subarray(0, TRUST_DEPTH).forEach((i, r) => {
      lift[k * size + (position.get(i) as number)] = calibrated(c, r) - c.tail;
    });
  });
  const relevant = new Uint8Array(size);
  const ties = new Float32Array(size);
  for (const [i, j] of position) {
    relevant[j] = truth.has(i) ? 1 : 0;
    ties[j] = buyers[i] as number;
  }
  return { lift, size, relevant, ties, truthSize: truth.size };
}

/**
 * Mean NDCG@k of the fused ranking Σ mult·lift, computed as base + t·lift of one signal `vary`
 * (the coordinate the search moves), where base holds every other signal's part per user: the
 * search tries a dozen values of one multiplier while the others stay put. Products outside every
 * list share the constant of the tails and rank below the listed ones by popularity, which the
 * popularity list already holds in order.
 */
class TrustSearch {
  private readonly base: Float64Array[];
  private readonly scores: Float64Array;
  private readonly top: Int32Array;
  private readonly discount: Float64Array;
  private readonly idcg: Float64Array;

  private readonly users: readonly StoredUser[];
  private readonly count: number;

  constructor(
    all: readonly StoredUser[],
    private readonly k: number,
  ) {
    // A trader none of whose candidates is relevant scores 0 whatever the multipliers: only the
    // others are ranked (the mean still counts everyone).
    this.users = all.filter((u) => u.relevant.includes(1));
    this.count = all.length;
    const users = this.users;
    this.base = users.map((u) => new Float64Array(u.size));
    this.scores = new Float64Array(users.reduce((a, u) => Math.max(a, u.size), 0));
    this.top = new Int32Array(k);
    this.discount = Float64Array.from({ length: k }, (_, r) => 1 / Math.log2(r + 2));
    this.idcg = Float64Array.from(users, (u) => {
      let idcg = 0;
      for (let r = 0; r < Math.min(k, u.truthSize); r++) {
        idcg += this.discount[r] as number;
      }
      return idcg;
    });
  }

  /** Sets every user's base to the mix of all signals but `vary`. */
  prepare(mult: Float64Array, vary: number): void {
    this.users.forEach((u, n) => {
      const base = this.base[n] as Float64Array;
      base.fill(0);
      for (let s = 0; s < mult.length; s++) {
        const m = mult[s] as number;
        if (m === 0 || s === vary) {
          continue;
        }
        const o = s * u.size;
        for (let j = 0; j < u.size; j++) {
          base[j] = (base[j] as number) + m * (u.lift[o + j] as number);
        }
      }
    });
  }

  /**
   * Mean NDCG@k with signal `vary` at each multiplier of `ts` on top of the prepared base (all of
   * them in one pass over the traders, whose arrays then stay in cache).
   */
  ndcg(vary: number, ts: readonly number[]): Float64Array {
    const { users, k, top, discount } = this;
    const totals = new Float64Array(ts.length);
    const scores = this.scores;
    for (let n = 0; n < users.length; n++) {
      const u = users[n] as StoredUser;
      const base = this.base[n] as Float64Array;
      const o = vary * u.size;
      const idcg = this.idcg[n] as number;
      for (let q = 0; q < ts.length; q++) {
        const t = ts[q] as number;
        for (let j = 0; j < u.size; j++) {
          scores[j] = (base[j] as number) + (t === 0 ? 0 : t * (u.lift[o + j] as number));
        }
        // Top k by score, then popularity, then position (the order of topK), in a small buffer.
        let size = 0;
        for (let j = 0; j < u.size; j++) {
          const s = scores[j] as number;
          const tie = u.ties[j] as number;
          if (size === k) {
            const last = top[k - 1] as number;
            const ls = scores[last] as number;
            if (s < ls || (s === ls && tie <= (u.ties[last] as number))) {
              continue;
            }
          }
          let p = size < k ? size++ : k - 1;
          while (p > 0) {
            const prev = top[p - 1] as number;
            const ps = scores[prev] as number;
            if (ps > s || (ps === s && (u.ties[prev] as number) >= tie)) {
              break;
            }
            top[p] = prev;
            p--;
          }
          top[p] = j;
        }
        let dcg = 0;
        for (let r = 0; r < size; r++) {
          dcg += u.relevant[top[r] as number] === 1 ? (discount[r] as number) : 0;
        }
        totals[q] = (totals[q] as number) + dcg / idcg;
      }
    }
    for (let q = 0; q < ts.length; q++) {
      totals[q] = this.count === 0 ? 0 : (totals[q] as number) / this.count;
    }
    return totals;
  }
}

const TRUST_ROUNDS = 2;
/** Relative NDCG gain a trust change needs on the held-back slice to be taken. */
const MIN_GAIN = 0.003;

/**
 * Coordinate ascent of the signals' multipliers on the validation NDCG, from the best signal alone;
 * the trusts left in `cal` are the multipliers divided by the default weight of their component,
 * so that the default weights give the learned mix.
 */
function learnTrust(
  cal: Record<Signal, SignalCalibration>,
  users: readonly StoredUser[],
  k: number,
): void {
  // Start from the best signal alone, so that the search can only end at or above it.
  const mult = new Float64Array(SIGNALS.length);
  const search = new TrustSearch(users, k);
  search.prepare(mult, -1);
  let best = Number.NEGATIVE_INFINITY;
  let start = 0;
  for (let s = 0; s < SIGNALS.length; s++) {
    const score = search.ndcg(s, [1])[0] as number;
    if (score > best) {
      best = score;
      start = s;
    }
  }
  mult[start] = 1;
  for (let round = 0; round < TRUST_ROUNDS; round++) {
    let improved = false;
    for (let s = 0; s < SIGNALS.length; s++) {
      let bestValue = mult[s] as number;
      search.prepare(mult, s);
      // Every value but the current one, scored in one pass, then taken in grid order.
      const tried = TRUST_GRID.filter((t) => t !== bestValue);
      const scores = search.ndcg(s, tried);
      tried.forEach((t, q) => {
        const score = scores[q] as number;
        // A change must earn its place: small gains on the held-back slice are mostly noise.
        if (score > best * (1 + MIN_GAIN)) {
          best = score;
          bestValue = t;
          improved = true;
        }
      });
      mult[s] = bestValue;
    }
    if (!improved) {
      break;
    }
  }
  SIGNALS.forEach((signal, s) => {
    const weight = DEFAULT_WEIGHTS[SIGNAL_COMPONENT[signal]];
    cal[signal].trust = weight > 0 ? (mult[s] as number) / weight : 0;
  });
}
