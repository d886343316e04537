import { buyAgainScore } from "./buy-again.ts";
import { type ContentModel, fitContent, scoreContent } from "./content.ts";
import { type EaseModel, fitEase, scoreEase } from "./ease.ts";
import { type History, historyOf } from "./history.ts";
import { fitItemKnn, type ItemKnnModel, scoreItemKnn } from "./itemknn.ts";
import type { Csr } from "./linalg.ts";
import { distinctBuyers, type InteractionMatrix } from "./matrix.ts";
import { fitNmf, type NmfModel, scoreNmf } from "./nmf.ts";
import { fitPopularity, type PopularityModel, popularityFor } from "./popularity.ts";

/** The raw signals the hybrid calibrates and adds up. */
export const SIGNALS = ["ease", "itemKnn", "nmf", "content", "popularity", "buyAgain"] as const;
export type Signal = (typeof SIGNALS)[number];

export interface SignalParams {
  easeRank: number;
  easeLambda: number;
  easeIterations: number;
  knnNeighbours: number;
  nmfComponents: number;
  nmfIterations: number;
  /** Iterations when starting from an earlier fit's factors (see fitSignals' `warm`). */
  easeWarmIterations: number;
  nmfWarmIterations: number;
  /** Half-life of an interaction in the profiles (days). */
  profileHalfLifeDays: number;
  popularityHalfLifeDays: number;
  buyAgainHalfLifeDays: number;
}

export const DEFAULT_SIGNAL_PARAMS: SignalParams = {
  easeRank: 128,
  easeLambda: 500,
  easeIterations: 2,
  knnNeighbours: 50,
  nmfComponents: 24,
  nmfIterations: 10,
  easeWarmIterations: 1,
  nmfWarmIterations: 5,
  profileHalfLifeDays: 90,
  popularityHalfLifeDays: 30,
  buyAgainHalfLifeDays: 90,
};

/** The fitted signals: everything needed to score a trader, and nothing of the raw data. */
export interface FittedSignals {
  nItems: number;
  history: History;
  userMarket: string[];
  /** Distinct buyers per product: the tie-break of every ranking. */
  buyers: Float32Array;
  popularity: PopularityModel;
  ease: EaseModel | null;
  itemKnn: ItemKnnModel | null;
  nmf: NmfModel | null;
  content: ContentModel;
  params: SignalParams;
  fitSeconds: Record<Signal, number>;
}

function binaryCsr(m: InteractionMatrix): Csr {
  return {
    rows: m.userIds.length,
    cols: m.itemIds.length,
    indptr: m.indptr,
    indices: m.indices,
    values: new Float64Array(m.indices.length).fill(1),
  };
}

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, (performance.now() - start) / 1000];
}

/** An earlier fit on most of the same data, whose factors start this one (fewer iterations). */
export interface WarmStart {
  itemIds: readonly string[];
  signals: FittedSignals;
}

/** Rows of `from` (per item of `fromIds`, `width` wide) rearranged for `toIds`; null if any is missing. */
function rowsFor(
  from: Float64Array,
  width: number,
  fromIds: readonly string[],
  toIds: readonly string[],
): Float64Array | null {
  const at = new Map(fromIds.map((id, i) => [id, i]));
  const out = new Float64Array(toIds.length * width);
  for (let i = 0; i < toIds.length; i++) {
    const j = at.get(toIds[i] as string);
    if (j === undefined || from.length !== fromIds.length * width) {
      return null;
    }
    out.set(from.subarray(j * width, (j + 1) * width), i * width);
  }
  return out;
}

/** Fits every signal on a matrix (the catalogue's items are the matrix's items). */
export function fitSignals(
  m: InteractionMatrix,
  params: SignalParams,
  warm?: WarmStart,
): FittedSignals {
  const hasData = m.indices.length > 0 && m.itemIds.length > 0;
  const before = warm?.signals;
  const beforeIds = warm?.itemIds ?? [];
  const easeInit =
    before?.ease && before.ease.rank === Math.max(1, Math.min(params.easeRank, m.itemIds.length))
      ? rowsFor(before.ease.q, before.ease.rank, beforeIds, m.itemIds)
      : null;
  const nmfInit =
    before?.nmf && before.nmf.components === params.nmfComponents
      ? rowsFor(before.nmf.h, before.nmf.components, beforeIds, m.itemIds)
      : null;
  const [history, tHistory] = timed(() => historyOf(m));
  const [popularity, tPop] = timed(() => fitPopularity(m, params.popularityHalfLifeDays));
  const [ease, tEase] = timed(() =>
    hasData
      ? fitEase(binaryCsr(m), {
          rank: params.easeRank,
          lambda: params.easeLambda,
          iterations: easeInit ? params.easeWarmIterations : params.easeIterations,
          init: easeInit ?? undefined,
        })
      : null,
  );
  const [itemKnn, tKnn] = timed(() =>
    hasData ? fitItemKnn(binaryCsr(m), params.knnNeighbours) : null,
  );
  const [nmf, tNmf] = timed(() =>
    hasData
      ? fitNmf(
          { ...binaryCsr(m), values: Float64Array.from(history.value) },
          {
            components: params.nmfComponents,
            iterations: nmfInit ? params.nmfWarmIterations : params.nmfIterations,
            initH: nmfInit ?? undefined,
          },
        )
      : null,
  );
  const [content, tContent] = timed(() => fitContent(m.items));
  return {
    nItems: m.itemIds.length,
    history,
    userMarket: m.userMarket,
    buyers: Float32Array.from(distinctBuyers(m)),
    popularity,
    ease,
    itemKnn,
    nmf,
    content,
    params,
    fitSeconds: {
      ease: tEase,
      itemKnn: tKnn,
      nmf: tNmf,
      content: tContent,
      popularity: tPop,
      buyAgain: tHistory,
    },
  };
}

/** A trader's profile for the signals: their products and values (or a cold-start stand-in). */
export interface Profile {
  /** Index of the trader in the model, or -1 for a trader the model has not seen. */
  user: number;
  items: ArrayLike<number>;
  values: ArrayLike<number>;
  market?: string;
}

/** Writes the raw score of one signal for every product into out. */
export function scoreSignal(
  s: FittedSignals,
  signal: Signal,
  profile: Profile,
  out: Float64Array,
): void {
  const h = s.history;
  switch (signal) {
    case "ease":
      if (s.ease && profile.items.length > 0) {
        scoreEase(s.ease, profile.items, profile.values, out);
      } else {
        out.fill(0);
      }
      return;
    case "itemKnn":
      if (s.itemKnn) {
        scoreItemKnn(s.itemKnn, profile.items, profile.values, out);
      } else {
        out.fill(0);
      }
      return;
    case "nmf":
      if (s.nmf && profile.user >= 0) {
        scoreNmf(s.nmf, profile.user, out);
      } else {
        out.fill(0);
      }
      return;
    case "content":
      scoreContent(s.content, profile.items, profile.values, out);
      return;
    case "popularity":
      out.set(popularityFor(s.popularity, profile.market));
      return;
    case "buyAgain":
      out.fill(0);
      if (profile.user >= 0) {
        for (
          let e = h.indptr[profile.user] as number;
          e < (h.indptr[profile.user + 1] as number);
          e++
        ) {
          out[h.indices[e] as number] = buyAgainScore(
            h.occasions[e] as number,
            h.firstAgeDays[e] as number,
            h.lastAgeDays[e] as number,
            s.params.buyAgainHalfLifeDays,
          );
        }
      }
      return;
  }
}

/** The profile of a known trader from the model's history. */
export function profileOf(s: FittedSignals, user: number): Profile {
  const h = s.history;
  const start = h.indptr[user] as number;
  const end = h.indptr[user + 1] as number;
  return {
    user,
    items: h.indices.subarray(start, end),
    values: h.value.subarray(start, end),
    market: s.userMarket[user] || undefined,
  };
}

/**
 * Buy-again's ranked list for a profile without scoring every product: the trader's own products
 * with a positive score, by score, then popularity, then index (the order of topK; every other
 * product scores 0 and is not ranked).
 */
export function buyAgainRanked(s: FittedSignals, profile: Profile): Int32Array {
  const h = s.history;
  if (profile.user < 0) {
    return new Int32Array(0);
  }
  const items: number[] = [];
  const scores: number[] = [];
  for (let e = h.indptr[profile.user] as number; e < (h.indptr[profile.user + 1] as number); e++) {
    const score = buyAgainScore(
      h.occasions[e] as number,
      h.firstAgeDays[e] as number,
      h.lastAgeDays[e] as number,
      s.params.buyAgainHalfLifeDays,
    );
    if (score > 0) {
      items.push(h.indices[e] as number);
      scores.push(score);
    }
  }
  const order = items.map((_, p) => p);
  order.sort((a, b) => {
    const ia = items[a] as number;
    const ib = items[b] as number;
    return (
      (scores[b] as number) - (scores[a] as number) ||
      (s.buyers[ib] as number) - (s.buyers[ia] as number) ||
      ia - ib
    );
  });
  return Int32Array.from(order, (p) => items[p] as number);
}
