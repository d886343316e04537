import { type Csr, transposeCsr } from "./linalg.ts";

/**
 * Item-item cosine similarity on who bought what, keeping each product's strongest neighbours.
 * It sees the local structure (this mug goes with that saucer) that the low-rank EASE blurs, and
 * costs Σ (products per trader)² to fit.
 */
export interface ItemKnnModel {
  neighbours: number;
  /** neighbours of item i at [i·neighbours, (i+1)·neighbours); -1 pads. */
  index: Int32Array;
  similarity: Float32Array;
}

export function fitItemKnn(x: Csr, neighbours: number): ItemKnnModel {
  const n = x.cols;
  const xt = transposeCsr(x);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    norm[i] = Math.sqrt((xt.indptr[i + 1] as number) - (xt.indptr[i] as number));
  }
  // Co-buyer counts are small integers: an Int32Array keeps the accumulator in the first-level
  // cache (this double loop, Σ over traders of their products², is the whole cost).
  const acc = new Int32Array(n);
  const touched = new Int32Array(n);
  const index = new Int32Array(n * neighbours).fill(-1);
  const similarity = new Float32Array(n * neighbours);
  const { indptr, indices } = x;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let e = xt.indptr[i] as number; e < (xt.indptr[i + 1] as number); e++) {
      const u = xt.indices[e] as number;
      const end = indptr[u + 1] as number;
      for (let f = indptr[u] as number; f < end; f++) {
        const j = indices[f] as number;
        const a = acc[j] as number;
        if (a === 0) {
          touched[count++] = j;
        }
        acc[j] = a + 1;
      }
    }
    // Keep the best `neighbours` by cosine (a small sorted buffer), then clear the accumulator.
    const o = i * neighbours;
    let size = 0;
    for (let t = 0; t < count; t++) {
      const j = touched[t] as number;
      const s = (acc[j] as number) / ((norm[i] as number) * (norm[j] as number));
      acc[j] = 0;
      if (j === i || (size === neighbours && s <= (similarity[o + size - 1] as number))) {
        continue;
      }
      let p = size < neighbours ? size++ : neighbours - 1;
      while (p > 0 && (similarity[o + p - 1] as number) < s) {
        similarity[o + p] = similarity[o + p - 1] as number;
        index[o + p] = index[o + p - 1] as number;
        p--;
      }
      similarity[o + p] = s;
      index[o + p] = j;
    }
  }
  return { neighbours, index, similarity };
}

/** Scores every product: Σ over the trader's products of value × similarity. */
export function scoreItemKnn(
  model: ItemKnnModel,
  items: ArrayLike<number>,
  values: ArrayLike<number>,
  out: Float64Array,
): void {
  out.fill(0);
  const k = model.neighbours;
  for (let e = 0; e < items.length; e++) {
    const o = (items[e] as number) * k;
    const v = values[e] as number;
    for (let p = 0; p < k; p++) {
      const j = model.index[o + p] as number;
      if (j < 0) {
        break;
      }
      out[j] = (out[j] as number) + v * (model.similarity[o + p] as number);
    }
  }
}
