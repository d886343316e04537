import type { InteractionMatrix } from "./matrix.ts";

const DAY_MS = 86_400_000;

/** Time-decayed popularity: each trader counts once per product, by how recently they bought. */
export interface PopularityModel {
  global: Float32Array;
  /** Per market, already blended with the global figure (markets with few traders lean on it). */
  byMarket: Map<string, Float32Array>;
}

/** Markets with fewer traders than this lean on the global popularity in proportion. */
const MARKET_PRIOR_TRADERS = 20;

export function fitPopularity(m: InteractionMatrix, halfLifeDays: number): PopularityModel {
  const n = m.itemIds.length;
  const rate = Math.LN2 / (halfLifeDays * DAY_MS);
  const global = new Float64Array(n);
  const markets = new Map<string, { counts: Float64Array; traders: number }>();
  for (let u = 0; u < m.userIds.length; u++) {
    const market = m.userMarket[u] ?? "";
    let mk = market ? markets.get(market) : undefined;
    if (market && !mk) {
      mk = { counts: new Float64Array(n), traders: 0 };
      markets.set(market, mk);
    }
    if (mk) {
      mk.traders++;
    }
    for (let e = m.indptr[u] as number; e < (m.indptr[u + 1] as number); e++) {
      const i = m.indices[e] as number;
      const w = Math.exp(-rate * Math.max(0, m.now - (m.last[e] as number)));
      global[i] = (global[i] as number) + w;
      if (mk) {
        mk.counts[i] = (mk.counts[i] as number) + w;
      }
    }
  }
  const users = Math.max(1, m.userIds.length);
  const byMarket = new Map<string, Float32Array>();
  for (const [market, { counts, traders }] of markets) {
    const share = traders / (traders + MARKET_PRIOR_TRADERS);
    byMarket.set(
      market,
      Float32Array.from(counts, (c, i) => {
        const g = (global[i] as number) / users;
        return share * (c / traders) + (1 - share) * g;
      }),
    );
  }
  return { global: Float32Array.from(global, (g) => g / users), byMarket };
}

/** The popularity a trader of `market` sees (global when the market is unknown). */
export function popularityFor(model: PopularityModel, market: string | undefined): Float32Array {
  return (market ? model.byMarket.get(market) : undefined) ?? model.global;
}
