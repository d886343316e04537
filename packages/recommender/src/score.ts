import { MAX_RANK } from "./calibrate.ts";
import type { FittedScorer } from "./evaluate.ts";
import {
  fuseLists,
  idleSignals,
  listsFromScores,
  type Mode,
  scoreAllSignals,
  type Weights,
} from "./fusion.ts";
import type { HybridModel } from "./hybrid.ts";
import {
  buyAgainRanked,
  type Profile,
  profileOf,
  SIGNALS,
  type Signal,
  scoreSignal,
} from "./signals.ts";
import { topK } from "./topk.ts";

/** Buffers one request needs, kept per model: serving allocates nothing per product. */
export interface Workspace {
  scratch: Float64Array;
  scores: Float64Array;
  /** All zero between requests (whoever sets entries clears them). */
  mask: Uint8Array;
  excluded: Uint8Array;
}

const workspaces = new WeakMap<HybridModel, Workspace>();

/** The model's workspace (requests are synchronous, so one per model is enough). */
export function workspaceOf(model: HybridModel): Workspace {
  let ws = workspaces.get(model);
  if (!ws) {
    const n = model.itemIds.length;
    ws = {
      scratch: new Float64Array(n * (SIGNALS.length + 1)),
      scores: new Float64Array(n),
      mask: new Uint8Array(n),
      excluded: new Uint8Array(n),
    };
    workspaces.set(model, ws);
  }
  return ws;
}

const popularityOrders = new WeakMap<HybridModel, Map<string, Int32Array>>();

/**
 * Every product popularity ranks for a market, best first (the same for each trader there), kept
 * per model: a request then takes its first products instead of ranking the whole catalogue.
 */
function popularityOrder(model: HybridModel, market: string | undefined): Int32Array {
  let orders = popularityOrders.get(model);
  if (!orders) {
    orders = new Map();
    popularityOrders.set(model, orders);
  }
  const key = market ?? "";
  let order = orders.get(key);
  if (!order) {
    const s = model.signals;
    const scores = new Float64Array(s.nItems);
    scoreSignal(s, "popularity", { user: -1, items: [], values: [], market }, scores);
    for (let i = 0; i < scores.length; i++) {
      scores[i] = (scores[i] as number) > 0 ? (scores[i] as number) : Number.NEGATIVE_INFINITY;
    }
    order = topK(scores, s.nItems, s.buyers);
    orders.set(key, order);
  }
  return order;
}

/** The first `depth` products of a ranking that are not excluded. */
function firstAllowed(order: Int32Array, excluded: Uint8Array | null, depth: number): Int32Array {
  if (!excluded) {
    return order.subarray(0, depth);
  }
  const out = new Int32Array(Math.min(depth, order.length));
  let size = 0;
  for (let p = 0; p < order.length && size < depth; p++) {
    const i = order[p] as number;
    if (excluded[i] !== 1) {
      out[size++] = i;
    }
  }
  return out.subarray(0, size);
}

/**
 * The fused score of every product for a profile, into out. In "discovery" mode the trader's own
 * products (a known trader's history; a cold-start stand-in is nobody's own) are left out of the
 * ranking (score −Infinity). Returns the signals' ranked lists, which explanations read.
 */
export function scoreProfile(
  model: HybridModel,
  profile: Profile,
  mode: Mode,
  out: Float64Array,
  weights: Weights = model.weights,
): Record<Signal, Int32Array> {
  const n = model.itemIds.length;
  const { scratch, excluded: mask } = workspaceOf(model);
  const own = profile.user >= 0 ? profile.items : [];
  let excluded: Uint8Array | null = null;
  if (mode === "discovery" && own.length > 0) {
    excluded = mask;
    for (let e = 0; e < own.length; e++) {
      excluded[own[e] as number] = 1;
    }
  }
  const raw = scratch.subarray(0, n * SIGNALS.length);
  const idle = idleSignals(model.calibrations[mode], weights);
  // Popularity and buy-again need no scoring of every product (see sparseLists).
  const skip = new Set<Signal>([...idle, "popularity", "buyAgain"]);
  scoreAllSignals(model.signals, profile, raw, skip);
  const lists = listsFromScores(
    model.signals,
    raw,
    excluded,
    scratch.subarray(n * SIGNALS.length),
    skip,
  );
  if (!idle.has("popularity")) {
    lists.popularity = firstAllowed(popularityOrder(model, profile.market), excluded, MAX_RANK);
  }
  if (!idle.has("buyAgain")) {
    lists.buyAgain = firstAllowed(buyAgainRanked(model.signals, profile), excluded, MAX_RANK);
  }
  fuseLists(lists, model.calibrations[mode], weights, out);
  if (excluded) {
    for (let e = 0; e < own.length; e++) {
      out[own[e] as number] = Number.NEGATIVE_INFINITY;
      excluded[own[e] as number] = 0;
    }
  }
  return lists;
}

/** The hybrid as a scorer for the evaluation protocol. */
export function hybridScorer(model: HybridModel, mode: Mode): FittedScorer {
  return {
    itemIds: model.itemIds,
    userIndex: model.userIndex,
    score: (u, out) => {
      scoreProfile(model, profileOf(model.signals, u), mode, out);
    },
  };
}

/** One raw signal of the hybrid alone, as a scorer (the "component alone" baselines). */
export function signalScorer(model: HybridModel, signal: Signal): FittedScorer {
  return {
    itemIds: model.itemIds,
    userIndex: model.userIndex,
    score: (u, out) => scoreSignal(model.signals, signal, profileOf(model.signals, u), out),
  };
}
