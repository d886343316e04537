import type { InteractionMatrix } from "./matrix.ts";

const DAY_MS = 86_400_000;

/** What the model keeps of each trader's history, compactly: rows of (product, figures). */
export interface History {
  indptr: Int32Array;
  indices: Int32Array;
  occasions: Float32Array;
  /** Days between the first / last purchase and the model's time. */
  firstAgeDays: Float32Array;
  lastAgeDays: Float32Array;
  /** Kind × recency weight (the value the collaborative and content profiles read). */
  value: Float32Array;
}

/** Profile value of an entry: one fresh purchase is 1, repeats add less and less. */
function profileValue(weight: number): number {
  return Math.log1p(weight) / Math.LN2;
}

export function historyOf(m: InteractionMatrix): History {
  return {
    indptr: m.indptr,
    indices: m.indices,
    occasions: Float32Array.from(m.occasions),
    firstAgeDays: Float32Array.from(m.first, (t) => (m.now - t) / DAY_MS),
    lastAgeDays: Float32Array.from(m.last, (t) => (m.now - t) / DAY_MS),
    value: Float32Array.from(m.weight, profileValue),
  };
}
