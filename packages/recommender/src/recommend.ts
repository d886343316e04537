import { calibrated } from "./calibrate.ts";
import { coldStartProfile } from "./cold-start.ts";
import { itemSimilarity } from "./content.ts";
import type { Explanation, MessageKey } from "./explain.ts";
import { DEFAULT_WEIGHTS, type Mode, SIGNAL_COMPONENT, type Weights } from "./fusion.ts";
import type { HybridModel } from "./hybrid.ts";
import { scoreProfile, workspaceOf } from "./score.ts";
import { type Profile, profileOf, SIGNALS, type Signal } from "./signals.ts";
import { topK } from "./topk.ts";
import { COMPONENTS, type Component, type TraderProfile } from "./types.ts";
import { validateWeights } from "./weights.ts";

const DAY_MS = 86_400_000;
/** A product younger than this gets the freshness bonus, falling linearly to 0. */
export const FRESHNESS_DAYS = 14;

export interface RecommendRequest {
  /** The trader; unknown or without history: cold start from `preferences`. */
  userId?: string;
  preferences?: TraderProfile;
  /** The products that may be recommended (e.g. those with open groups); default: all known. */
  candidates?: readonly string[];
  /** Products never to show (e.g. groups the trader already joined). */
  exclude?: readonly string[];
  k?: number;
  /** "repeat" (default) lets the trader's staples come back; "discovery" shows only new ones. */
  mode?: Mode;
  /** Weights of an experiment's variant (validated); default: the model's. */
  weights?: Partial<Weights>;
  /** For the freshness bonus (default: the model's time). */
  now?: number;
  /** When each product entered the catalogue (ms), for the freshness bonus. */
  createdAt?: ReadonlyMap<string, number>;
}

export interface Recommendation {
  itemId: string;
  /** Exactly the sum of `contributions`. */
  score: number;
  contributions: Record<Component, number>;
  explanation: Explanation;
}

export interface RecommendResult {
  items: Recommendation[];
  /** True when the trader had no history and preferences (or nothing) stood in. */
  coldStart: boolean;
  /** Requested candidates or exclusions the model does not know (ignored). */
  unknownIds: string[];
}

function indicesOf(model: HybridModel, ids: readonly string[], unknown: string[]): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const i = model.itemIndex.get(id);
    if (i === undefined) {
      unknown.push(id);
    } else {
      out.push(i);
    }
  }
  return out;
}

/** Freshness in [0, 1]: 1 on the day a product appears, 0 after FRESHNESS_DAYS. */
export function freshness(createdAt: number | undefined, now: number): number {
  if (createdAt === undefined || !Number.isFinite(createdAt)) {
    return 0;
  }
  const age = (now - createdAt) / DAY_MS;
  return age < 0 ? 1 : Math.max(0, 1 - age / FRESHNESS_DAYS);
}

/**
 * The top k products for a trader with every component's exact additive contribution and the
 * reason behind the largest one. Never throws on unknown ids: they are ignored and reported.
 */
export function recommend(model: HybridModel, request: RecommendRequest): RecommendResult {
  const n = model.itemIds.length;
  const k = Math.max(0, Math.floor(request.k ?? 10));
  const mode = request.mode ?? "repeat";
  const weights = request.weights
    ? validateWeights({ ...model.weights, ...request.weights })
    : model.weights;
  const unknownIds: string[] = [];
  const user = request.userId === undefined ? undefined : model.userIndex.get(request.userId);
  const h = model.signals.history;
  const hasHistory =
    user !== undefined && (h.indptr[user + 1] as number) > (h.indptr[user] as number);
  let profile: Profile;
  let neighbours: string[] = [];
  if (hasHistory) {
    profile = profileOf(model.signals, user as number);
    if (request.preferences?.market) {
      profile.market = request.preferences.market;
    }
  } else {
    const stated =
      request.preferences ?? (request.userId ? model.profiles.get(request.userId) : undefined);
    const cold = coldStartProfile(model, stated);
    profile = cold.profile;
    neighbours = cold.neighbours;
  }
  const ws = workspaceOf(model);
  const scores = ws.scores;
  const lists = scoreProfile(model, profile, mode, scores, weights);
  // The freshness bonus is bounded by the best calibrated probability of any signal, so a new
  // product can join the list but never outrank a strong personal signal by freshness alone.
  const cal = model.calibrations[mode];
  const cap = Math.max(...SIGNALS.map((s) => cal[s].probs[0] ?? 0));
  const now = request.now ?? model.now;
  const fresh = new Map<number, number>();
  if (request.createdAt && weights.freshness > 0) {
    for (const [id, at] of request.createdAt) {
      const i = model.itemIndex.get(id);
      const bonus = weights.freshness * cap * freshness(at, now);
      if (i !== undefined && bonus > 0) {
        fresh.set(i, bonus);
        scores[i] = (scores[i] as number) + bonus;
      }
    }
  }
  if (request.candidates) {
    const allowed = ws.mask;
    const listed = indicesOf(model, request.candidates, unknownIds);
    for (const i of listed) {
      allowed[i] = 1;
    }
    for (let i = 0; i < n; i++) {
      if (allowed[i] === 0) {
        scores[i] = Number.NEGATIVE_INFINITY;
      }
    }
    for (const i of listed) {
      allowed[i] = 0;
    }
  }
  for (const i of indicesOf(model, request.exclude ?? [], unknownIds)) {
    scores[i] = Number.NEGATIVE_INFINITY;
  }
  const top = k === 0 ? new Int32Array(0) : topK(scores, k, model.signals.buyers);
  const items = [...top].map((i) => {
    const contributions = contributionsOf(model, lists, i, mode, weights);
    contributions.freshness = fresh.get(i) ?? 0;
    return {
      itemId: model.itemIds[i] as string,
      score: COMPONENTS.reduce((sum, c) => sum + contributions[c], 0),
      contributions,
      explanation: explain(model, profile, i, contributions, hasHistory, neighbours, request),
    };
  });
  return { items, coldStart: !hasHistory, unknownIds };
}

/** Each component's share of the fused score: weight × trust × lift of its signals' ranks. */
function contributionsOf(
  model: HybridModel,
  lists: Record<Signal, Int32Array>,
  item: number,
  mode: Mode,
  weights: Weights,
): Record<Component, number> {
  const out = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  for (const signal of SIGNALS) {
    const c = model.calibrations[mode][signal];
    const component = SIGNAL_COMPONENT[signal];
    const rank = lists[signal].indexOf(item);
    if (rank >= 0) {
      out[component] += weights[component] * c.trust * (calibrated(c, rank) - c.tail);
    }
  }
  return out;
}

function nameOf(model: HybridModel, i: number): string {
  const item = model.items[i];
  return item?.text || item?.itemId || "";
}

/** The trader's products most like product j (by content, or by co-purchase), best first. */
function closestOwn(model: HybridModel, profile: Profile, j: number, byKnn: boolean): number[] {
  const knn = model.signals.itemKnn;
  const scored: { i: number; s: number }[] = [];
  for (let e = 0; e < profile.items.length; e++) {
    const i = profile.items[e] as number;
    let s = 0;
    if (byKnn && knn) {
      for (let p = 0; p < knn.neighbours; p++) {
        if (knn.index[i * knn.neighbours + p] === j) {
          s = knn.similarity[i * knn.neighbours + p] as number;
          break;
        }
      }
    } else {
      s = itemSimilarity(model.signals.content, i, j);
    }
    if (s > 0 && i !== j) {
      scored.push({ i, s: s * (profile.values[e] as number) });
    }
  }
  return scored.sort((a, b) => b.s - a.s).map(({ i }) => i);
}

function explain(
  model: HybridModel,
  profile: Profile,
  item: number,
  contributions: Record<Component, number>,
  hasHistory: boolean,
  neighbours: string[],
  request: RecommendRequest,
): Explanation {
  let component: Component = "popularity";
  for (const c of COMPONENTS) {
    if (contributions[c] > contributions[component]) {
      component = c;
    }
  }
  const reason = (key: MessageKey, params: Explanation["params"], because: string[]) => ({
    component,
    key,
    params,
    because,
  });
  const market = profile.market;
  switch (component) {
    case "buyAgain": {
      const h = model.signals.history;
      const u = profile.user;
      for (let e = h.indptr[u] as number; e < (h.indptr[u + 1] as number); e++) {
        if (h.indices[e] === item) {
          const occasions = h.occasions[e] as number;
          const days =
            occasions > 1
              ? ((h.firstAgeDays[e] as number) - (h.lastAgeDays[e] as number)) / (occasions - 1)
              : 0;
          const id = model.itemIds[item] as string;
          return days >= 1 && (h.lastAgeDays[e] as number) >= days * 0.8
            ? reason("recommend.buyAgain.due", { days: Math.round(days) }, [id])
            : reason("recommend.buyAgain.staple", { count: occasions }, [id]);
        }
      }
      break;
    }
    case "cf": {
      if (!hasHistory) {
        return market
          ? reason("recommend.cf.similarTradersInMarket", { market }, neighbours.slice(0, 5))
          : reason("recommend.cf.similarTraders", {}, neighbours.slice(0, 5));
      }
      const own = closestOwn(model, profile, item, true).slice(0, 2);
      if (own.length > 0) {
        return reason(
          "recommend.cf.similarItems",
          { items: own.map((i) => nameOf(model, i)).join(", ") },
          own.map((i) => model.itemIds[i] as string),
        );
      }
      return reason("recommend.cf.similarTraders", {}, []);
    }
    case "content": {
      if (hasHistory) {
        const own = closestOwn(model, profile, item, false)[0];
        if (own !== undefined) {
          return reason("recommend.content.similarTo", { item: nameOf(model, own) }, [
            model.itemIds[own] as string,
          ]);
        }
      }
      const category = model.items[item]?.category;
      if (category && (request.preferences?.categories ?? []).includes(category)) {
        return reason("recommend.content.preferredCategory", { category }, [category]);
      }
      break;
    }
    case "freshness":
      return reason("recommend.freshness.new", {}, []);
    default:
      break;
  }
  return market
    ? { component, key: "recommend.popularity.market", params: { market }, because: [] }
    : { component, key: "recommend.popularity.global", params: {}, because: [] };
}

export { DEFAULT_WEIGHTS };
