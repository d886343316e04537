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
  const e = m.indices.length;
  const occasions = new Float32Array(e);
  const firstAgeDays = new Float32Array(e);
  const lastAgeDays = new Float32Array(e);
  const value = new Float32Array(e);
  for (let k = 0; k < e; k++) {
    occasions[k] = m.occasions[k] as number;
    firstAgeDays[k] = (m.now - (m.first[k] as number)) / DAY_MS;
    lastAgeDays[k] = (m.now - (m.last[k] as number)) / DAY_MS;
    value[k] = profileValue(m.weight[k] as number);
  }
  return { indptr: m.indptr, indices: m.indices, occasions, firstAgeDays, lastAgeDays, value };
}
