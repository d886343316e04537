import type { HybridModel } from "./hybrid.ts";
import type { Profile } from "./signals.ts";
import { topK } from "./topk.ts";
import type { TraderProfile } from "./types.ts";

/** How many similar traders make a new trader's stand-in history. */
const NEIGHBOURS = 25;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) {
    return 0;
  }
  let both = 0;
  for (const x of a) {
    both += b.has(x) ? 1 : 0;
  }
  return both / (a.size + b.size - both);
}

/** Overlap of two budget ranges over their union (0 when either is unknown). */
export function budgetOverlap(a: TraderProfile, b: TraderProfile): number {
  if (a.budgetMin === undefined || a.budgetMax === undefined) {
    return 0;
  }
  if (b.budgetMin === undefined || b.budgetMax === undefined) {
    return 0;
  }
  const union = Math.max(a.budgetMax, b.budgetMax) - Math.min(a.budgetMin, b.budgetMin);
  const inter = Math.min(a.budgetMax, b.budgetMax) - Math.max(a.budgetMin, b.budgetMin);
  if (union <= 0) {
    return inter >= 0 ? 1 : 0;
  }
  return Math.max(0, inter) / union;
}

/**
 * Similarity of two traders' preferences: categories (Jaccard) weigh most, then budget overlap,
 * the same market, and a group size of the same order.
 */
export function preferenceSimilarity(
  a: TraderProfile,
  b: TraderProfile,
  aCategories: ReadonlySet<string> = new Set(a.categories ?? []),
  bCategories: ReadonlySet<string> = new Set(b.categories ?? []),
): number {
  const cats = jaccard(aCategories, bCategories);
  const market = a.market && b.market && a.market === b.market ? 1 : 0;
  const size =
    a.groupSize && b.groupSize
      ? Math.min(a.groupSize, b.groupSize) / Math.max(a.groupSize, b.groupSize)
      : 0;
  return 0.45 * cats + 0.2 * budgetOverlap(a, b) + 0.25 * market + 0.1 * size;
}

/** A known trader's preferences: stated ones, completed from their history where missing. */
function preferencesOf(model: HybridModel, user: number): TraderProfile {
  const id = model.userIds[user] as string;
  const stated = model.profiles.get(id);
  const h = model.signals.history;
  const categories = new Set(stated?.categories ?? []);
  if (categories.size === 0) {
    for (let e = h.indptr[user] as number; e < (h.indptr[user + 1] as number); e++) {
      const category = model.items[h.indices[e] as number]?.category;
      if (category) {
        categories.add(category);
      }
    }
  }
  return {
    ...stated,
    userId: id,
    market: stated?.market ?? (model.signals.userMarket[user] || undefined),
    categories: [...categories],
  };
}

/** Known traders' preferences with history, computed once per model (cold start scans them). */
interface KnownTrader {
  user: number;
  preferences: TraderProfile;
  categories: ReadonlySet<string>;
}
const known = new WeakMap<HybridModel, KnownTrader[]>();

function knownTraders(model: HybridModel) {
  let list = known.get(model);
  if (!list) {
    const h = model.signals.history;
    list = [];
    for (let u = 0; u < model.userIds.length; u++) {
      if ((h.indptr[u + 1] as number) > (h.indptr[u] as number)) {
        const preferences = preferencesOf(model, u);
        list.push({ user: u, preferences, categories: new Set(preferences.categories ?? []) });
      }
    }
    known.set(model, list);
  }
  return list;
}

export interface ColdStartProfile {
  profile: Profile;
  /** The most similar traders' ids (for explanations). */
  neighbours: string[];
}

/**
 * A stand-in history for a trader the model knows nothing about: the products of the traders
 * whose preferences match best, weighted by similarity; failing any match, the products of the
 * preferred categories. No preferences at all: an empty profile (popularity alone decides).
 */
export function coldStartProfile(
  model: HybridModel,
  preferences: TraderProfile | undefined,
): ColdStartProfile {
  const market = preferences?.market;
  if (!preferences) {
    return { profile: { user: -1, items: [], values: [], market }, neighbours: [] };
  }
  const h = model.signals.history;
  const traders = knownTraders(model);
  const mine = new Set(preferences.categories ?? []);
  const sims = Float64Array.from(traders, ({ preferences: theirs, categories }) => {
    const sim = preferenceSimilarity(preferences, theirs, mine, categories);
    return sim > 0 ? sim : Number.NEGATIVE_INFINITY;
  });
  // The best NEIGHBOURS in one pass (ties: the earlier trader), not a sort of every trader.
  const scored = [...topK(sims, NEIGHBOURS)].map((t) => ({
    user: (traders[t] as KnownTrader).user,
    sim: sims[t] as number,
  }));
  const weights = new Map<number, number>();
  for (const { user, sim } of scored) {
    for (let e = h.indptr[user] as number; e < (h.indptr[user + 1] as number); e++) {
      const i = h.indices[e] as number;
      weights.set(i, (weights.get(i) ?? 0) + sim * (h.value[e] as number));
    }
  }
  if (weights.size === 0) {
    const wanted = new Set(preferences.categories ?? []);
    model.items.forEach((item, i) => {
      if (item.category && wanted.has(item.category)) {
        weights.set(i, 1);
      }
    });
  }
  const items = Int32Array.from([...weights.keys()].sort((a, b) => a - b));
  const values = Float32Array.from(items, (i) => weights.get(i) as number);
  return {
    profile: { user: -1, items, values, market },
    neighbours: scored.map(({ user }) => model.userIds[user] as string),
  };
}
