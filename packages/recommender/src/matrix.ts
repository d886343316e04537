import type { Interaction, InteractionKind, Item } from "./types.ts";

/** How much one interaction of each kind says about what a trader wants. */
export const KIND_WEIGHTS: Record<InteractionKind, number> = {
  payment: 1,
  join: 0.7,
  click: 0.3,
  view: 0.1,
};

const DAY_MS = 86_400_000;

/**
 * The trader × product matrix in compressed rows: one entry per distinct (trader, product) with
 * what the components read from it. Products are the catalogue plus any seen in interactions.
 */
export interface InteractionMatrix {
  userIds: string[];
  itemIds: string[];
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  items: Item[];
  /** Row r of trader u is indptr[u] … indptr[u+1]-1; item indices ascending within a row. */
  indptr: Int32Array;
  indices: Int32Array;
  /** Interactions (purchase lines) per entry. */
  count: Float64Array;
  /** Distinct purchase occasions (timestamps) per entry. */
  occasions: Float64Array;
  /** Sum of kind weight × recency decay per entry. */
  weight: Float64Array;
  first: Float64Array;
  last: Float64Array;
  /** The trader's market (the most recent interaction's), or "" if unknown. */
  userMarket: string[];
  /** The time the matrix describes: the latest interaction, or the `now` asked for. */
  now: number;
}

export interface MatrixOptions {
  now?: number;
  /** Half-life of an interaction's weight in days. */
  halfLifeDays?: number;
}

/**
 * The kept rows ordered by trader, then product, then time (ties in input order): two stable
 * counting sorts (by product, then by trader) of the rows in time order, O(rows) when the rows
 * come in time order already, as files and splits of them do.
 */
function entryOrder(
  interactions: readonly Interaction[],
  keptRows: Int32Array,
  u: Int32Array,
  it: Int32Array,
  kept: number,
  nUsers: number,
  nItems: number,
): Int32Array {
  let byTime = Int32Array.from({ length: kept }, (_, k) => k);
  const time = (k: number) => (interactions[keptRows[k] as number] as Interaction).timestamp;
  for (let k = 1; k < kept; k++) {
    if (time(k) < time(k - 1)) {
      const times = Float64Array.from(byTime, time);
      byTime = Int32Array.from(
        [...byTime].sort((a, b) => (times[a] as number) - (times[b] as number) || a - b),
      );
      break;
    }
  }
  const countingSort = (from: Int32Array, key: Int32Array, buckets: number) => {
    const start = new Int32Array(buckets + 1);
    for (let k = 0; k < kept; k++) {
      start[(key[k] as number) + 1] = (start[(key[k] as number) + 1] as number) + 1;
    }
    for (let b = 0; b < buckets; b++) {
      start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    }
    const to = new Int32Array(kept);
    for (const k of from) {
      const b = key[k] as number;
      to[start[b] as number] = k;
      start[b] = (start[b] as number) + 1;
    }
    return to;
  };
  return countingSort(countingSort(byTime, it, nItems), u, nUsers);
}

/** Builds the matrix; interactions with a non-finite time are ignored. */
export function buildMatrix(
  interactions: readonly Interaction[],
  catalogue: readonly Item[],
  options: MatrixOptions = {},
): InteractionMatrix {
  const itemIndex = new Map<string, number>();
  const items: Item[] = [];
  const addItem = (item: Item) => {
    if (!itemIndex.has(item.itemId)) {
      itemIndex.set(item.itemId, items.length);
      items.push(item);
    }
    return itemIndex.get(item.itemId) as number;
  };
  for (const item of catalogue) {
    addItem(item);
  }
  const userIndex = new Map<string, number>();
  const userIds: string[] = [];
  const n = interactions.length;
  const u = new Int32Array(n);
  const it = new Int32Array(n);
  let now = options.now ?? Number.NEGATIVE_INFINITY;
  let kept = 0;
  const keptRows = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const x = interactions[r] as Interaction;
    if (!Number.isFinite(x.timestamp)) {
      continue;
    }
    let ui = userIndex.get(x.userId);
    if (ui === undefined) {
      ui = userIds.length;
      userIndex.set(x.userId, ui);
      userIds.push(x.userId);
    }
    u[kept] = ui;
    it[kept] = itemIndex.get(x.itemId) ?? addItem({ itemId: x.itemId });
    keptRows[kept] = r;
    kept++;
    if (options.now === undefined && x.timestamp > now) {
      now = x.timestamp;
    }
  }
  if (!Number.isFinite(now)) {
    now = 0;
  }
  const nItems = items.length;
  const order = entryOrder(interactions, keptRows, u, it, kept, userIds.length, nItems);
  const decay = Math.LN2 / ((options.halfLifeDays ?? 90) * DAY_MS);
  const nUsers = userIds.length;
  const indptr = new Int32Array(nUsers + 1);
  const indices: number[] = [];
  const count: number[] = [];
  const occasions: number[] = [];
  const weight: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const userMarket = new Array<string>(nUsers).fill("");
  let prevKey = -1;
  for (const k of order) {
    const x = interactions[keptRows[k] as number] as Interaction;
    const ui = u[k] as number;
    const key = ui * nItems + (it[k] as number);
    const w =
      (KIND_WEIGHTS[x.kind ?? "payment"] ?? 1) * Math.exp(-decay * Math.max(0, now - x.timestamp));
    if (x.market) {
      userMarket[ui] = x.market;
    }
    if (key !== prevKey) {
      indices.push(it[k] as number);
      count.push(1);
      occasions.push(1);
      weight.push(w);
      first.push(x.timestamp);
      last.push(x.timestamp);
      indptr[ui + 1] = indices.length;
      prevKey = key;
      continue;
    }
    const e = indices.length - 1;
    count[e] = (count[e] as number) + 1;
    weight[e] = (weight[e] as number) + w;
    if (x.timestamp !== last[e]) {
      occasions[e] = (occasions[e] as number) + 1;
      last[e] = x.timestamp;
    }
  }
  for (let i = 1; i <= nUsers; i++) {
    if ((indptr[i] as number) < (indptr[i - 1] as number)) {
      indptr[i] = indptr[i - 1] as number;
    }
  }
  return {
    userIds,
    itemIds: items.map((item) => item.itemId),
    userIndex,
    itemIndex,
    items,
    indptr,
    indices: Int32Array.from(indices),
    count: Float64Array.from(count),
    occasions: Float64Array.from(occasions),
    weight: Float64Array.from(weight),
    first: Float64Array.from(first),
    last: Float64Array.from(last),
    userMarket,
    now,
  };
}

/** Distinct buyers per item (the popularity used to break ties). */
export function distinctBuyers(m: InteractionMatrix): Float64Array {
  const out = new Float64Array(m.itemIds.length);
  for (const i of m.indices) {
    out[i] = (out[i] as number) + 1;
  }
  return out;
}
