import { RANK_BOUNDS } from "./calibrate.ts";
import { laterPurchases, quantileTime, splitAt } from "./evaluate.ts";
import {
  type Calibrations,
  DEFAULT_WEIGHTS,
  learnCalibrations,
  MODES,
  type Mode,
  type SignalCalibration,
  type ValidationUser,
  type Weights,
} from "./fusion.ts";
import { buildMatrix } from "./matrix.ts";
import { fitPopularity } from "./popularity.ts";
import {
  buyAgainRanked,
  DEFAULT_SIGNAL_PARAMS,
  type FittedSignals,
  fitSignals,
  type Profile,
  profileOf,
  SIGNALS,
  type Signal,
  type SignalParams,
  scoreSignal,
  type WarmStart,
} from "./signals.ts";
import { topK } from "./topk.ts";
import type { Interaction, Item, TraderProfile } from "./types.ts";
import { validateWeights } from "./weights.ts";

/** A trained hybrid model: everything serving needs, no raw interactions. */
export interface HybridModel {
  now: number;
  itemIds: string[];
  itemIndex: Map<string, number>;
  userIds: string[];
  userIndex: Map<string, number>;
  /** Product texts, categories and prices (for explanations and cold start). */
  items: Item[];
  signals: FittedSignals;
  calibrations: Calibrations;
  weights: Weights;
  /** Stated preferences of known traders (cold start matches new traders against them). */
  profiles: Map<string, TraderProfile>;
  fitSeconds: { total: number; validation: number; signals: Record<Signal, number> };
}

export interface TrainingData {
  interactions: readonly Interaction[];
  items: readonly Item[];
  traders?: readonly TraderProfile[];
}

export interface HybridOptions {
  /** The model's time (default: the latest interaction). */
  now?: number;
  weights?: Partial<Weights>;
  params?: Partial<SignalParams>;
  /** Learn the calibration on a held-back slice (default true). */
  calibrate?: boolean;
  /** Share of the training interactions (by time) held back for calibration. */
  holdOut?: number;
  /** Most validation traders used for calibration (evenly sampled; default by catalogue size). */
  maxValidationUsers?: number;
  /** The k the calibration optimises NDCG at. */
  k?: number;
}

/**
 * Calibration used when there is no held-back evidence (tiny data): probability falling with
 * rank as 1/(rank+1), every signal trusted; the weights alone decide the mix.
 */
export function priorCalibration(): SignalCalibration {
  const probs = Float32Array.from(
    RANK_BOUNDS,
    (_b, i) => 1 / (1 + (i === 0 ? 0 : (RANK_BOUNDS[i - 1] as number))),
  );
  return { bounds: RANK_BOUNDS, probs, tail: 0, trust: 1 };
}

function priorCalibrations(): Calibrations {
  const out = {} as Calibrations;
  for (const mode of MODES) {
    out[mode] = {} as Record<Signal, SignalCalibration>;
    for (const signal of SIGNALS) {
      out[mode][signal] = priorCalibration();
    }
  }
  return out;
}

/** Trader × product pairs scored for calibration at most (see fitHybrid). */
const VALIDATION_PAIRS = 2_000_000;
const HALF_LIVES = [7, 14, 30, 60, 120, 365];

/** Candidates (products with a buyer) by popularity, then index: the order of ties in topK. */
function byPopularity(s: FittedSignals): Int32Array {
  const order: number[] = [];
  for (let i = 0; i < s.nItems; i++) {
    if ((s.buyers[i] as number) > 0) {
      order.push(i);
    }
  }
  return Int32Array.from(
    order.sort((a, b) => (s.buyers[b] as number) - (s.buyers[a] as number) || a - b),
  );
}

/**
 * The top k of buy-again for a known trader, as topK over every candidate would give it, in the
 * time of the trader's own products: their positive scores first, then the rest by popularity.
 */
function buyAgainTop(s: FittedSignals, profile: Profile, k: number, order: Int32Array): number[] {
  const top = [...buyAgainRanked(s, profile).subarray(0, k)];
  const taken = new Set(top);
  for (let p = 0; p < order.length && top.length < k; p++) {
    const i = order[p] as number;
    if (!taken.has(i)) {
      top.push(i);
    }
  }
  return top;
}

/** Mean NDCG@k of one signal alone in repeat mode on the validation users. */
function signalNdcg(s: FittedSignals, signal: Signal, users: readonly ValidationUser[], k: number) {
  const scores = new Float64Array(s.nItems);
  // Popularity ranks every trader of a market alike; buy-again ranks only the trader's products.
  const perMarket = new Map<string, ArrayLike<number>>();
  const order = byPopularity(s);
  const ranked = (profile: Profile): ArrayLike<number> => {
    if (signal === "buyAgain") {
      return buyAgainTop(s, profile, k, order);
    }
    const key = profile.market ?? "";
    const shared = signal === "popularity" ? perMarket.get(key) : undefined;
    if (shared) {
      return shared;
    }
    scoreSignal(s, signal, profile, scores);
    for (let i = 0; i < scores.length; i++) {
      if ((s.buyers[i] as number) === 0) {
        scores[i] = Number.NEGATIVE_INFINITY;
      }
    }
    const list = topK(scores, k, s.buyers);
    if (signal === "popularity") {
      perMarket.set(key, list);
    }
    return list;
  };
  let total = 0;
  for (const user of users) {
    const truth = user.truth.repeat;
    const list = ranked(user.profile);
    let dcg = 0;
    for (let r = 0; r < list.length; r++) {
      dcg += truth.has(list[r] as number) ? 1 / Math.log2(r + 2) : 0;
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(k, truth.size); r++) {
      idcg += 1 / Math.log2(r + 2);
    }
    total += dcg / idcg;
  }
  return total / users.length;
}

/**
 * The half-lives of popularity and buy-again that rank the held-back slice best (how fast tastes
 * move differs between markets: a fashion season against a staple's steady demand). Leaves the
 * best popularity in `s`, for the calibration that follows.
 */
function chooseHalfLives(
  s: FittedSignals,
  m: ReturnType<typeof buildMatrix>,
  users: readonly ValidationUser[],
  k: number,
): { popularity: number; buyAgain: number } {
  let best = { popularity: s.params.popularityHalfLifeDays, score: Number.NEGATIVE_INFINITY };
  let bestModel = s.popularity;
  for (const h of HALF_LIVES) {
    s.popularity = fitPopularity(m, h);
    const score = signalNdcg(s, "popularity", users, k);
    if (score > best.score) {
      best = { popularity: h, score };
      bestModel = s.popularity;
    }
  }
  s.popularity = bestModel;
  let bestBuyAgain = { h: s.params.buyAgainHalfLifeDays, score: Number.NEGATIVE_INFINITY };
  const original = s.params;
  for (const h of HALF_LIVES) {
    s.params = { ...original, buyAgainHalfLifeDays: h };
    const score = signalNdcg(s, "buyAgain", users, k);
    if (score > bestBuyAgain.score) {
      bestBuyAgain = { h, score };
    }
  }
  s.params = { ...original, buyAgainHalfLifeDays: bestBuyAgain.h };
  return { popularity: best.popularity, buyAgain: bestBuyAgain.h };
}

/** Traders of the held-back slice with their truth per mode, evenly sampled. */
function validationUsers(
  s: FittedSignals,
  m: ReturnType<typeof buildMatrix>,
  later: readonly Interaction[],
  maxUsers: number,
): ValidationUser[] {
  const bought = laterPurchases(m, later, (i) => (s.buyers[i] as number) > 0);
  const users = [...bought.keys()].sort((a, b) => a - b);
  const step = Math.max(1, users.length / maxUsers);
  const out: ValidationUser[] = [];
  for (let p = 0; p < users.length; p += step) {
    const u = users[Math.floor(p)] as number;
    const profile = profileOf(s, u);
    const own = Int32Array.from(profile.items);
    const ownSet = new Set(own);
    const repeat = bought.get(u) as Set<number>;
    const discovery = new Set([...repeat].filter((i) => !ownSet.has(i)));
    out.push({ profile, own, truth: { repeat, discovery } });
  }
  return out;
}

/**
 * Trains the hybrid: learns calibration and trust of every signal on the latest slice of the
 * training interactions (signals fitted on what came before it), then fits the signals on all of
 * them. Never sees anything but `data`.
 */
export function fitHybrid(data: TrainingData, options: HybridOptions = {}): HybridModel {
  const started = performance.now();
  const params: SignalParams = { ...DEFAULT_SIGNAL_PARAMS, ...options.params };
  const weights = validateWeights({ ...DEFAULT_WEIGHTS, ...options.weights });
  let now = options.now ?? Number.NEGATIVE_INFINITY;
  if (options.now === undefined) {
    for (const x of data.interactions) {
      now = Math.max(now, x.timestamp);
    }
  }
  now = Number.isFinite(now) ? now : 0;
  let calibrations = priorCalibrations();
  let warm: WarmStart | undefined;
  const validationStart = performance.now();
  if (options.calibrate !== false && data.interactions.length > 0) {
    const cut = quantileTime(data.interactions, 1 - (options.holdOut ?? 0.2));
    const { train: earlier, test: later } = splitAt(data.interactions, cut);
    const m = buildMatrix(earlier, data.items, {
      now: cut,
      halfLifeDays: params.profileHalfLifeDays,
    });
    if (m.indices.length > 0 && later.length > 0) {
      const s = fitSignals(m, params);
      warm = { itemIds: m.itemIds, signals: s };
      // Scoring a validation user costs about the catalogue's size: a budget of trader × product
      // pairs keeps every trader of a small catalogue (less noise) and samples a large one.
      const maxUsers =
        options.maxValidationUsers ??
        Math.max(600, Math.floor(VALIDATION_PAIRS / Math.max(1, m.itemIds.length)));
      const users = validationUsers(s, m, later, maxUsers);
      if (users.length >= 20) {
        const chosen = chooseHalfLives(s, m, users, options.k ?? 10);
        params.popularityHalfLifeDays = chosen.popularity;
        params.buyAgainHalfLifeDays = chosen.buyAgain;
        const candidates = s.buyers.reduce((a, b) => a + (b > 0 ? 1 : 0), 0);
        calibrations = learnCalibrations(s, users, candidates, options.k ?? 10);
      }
    }
  }
  const validation = (performance.now() - validationStart) / 1000;
  const m = buildMatrix(data.interactions, data.items, {
    now,
    halfLifeDays: params.profileHalfLifeDays,
  });
  // The final fit starts from the factors fitted on the earlier slice (most of the same data).
  const signals = fitSignals(m, params, warm);
  const profiles = new Map((data.traders ?? []).map((t) => [t.userId, t]));
  return {
    now,
    itemIds: m.itemIds,
    itemIndex: m.itemIndex,
    userIds: m.userIds,
    userIndex: m.userIndex,
    items: m.items,
    signals,
    calibrations,
    weights,
    profiles,
    fitSeconds: {
      total: (performance.now() - started) / 1000,
      validation,
      signals: signals.fitSeconds,
    },
  };
}

export type { Mode };
