import { type Csr, transposeCsr } from "./linalg.ts";
import type { Item } from "./types.ts";

/**
 * TF-IDF over each product's name/description, category and supplier, rows L2-normalised.
 * Category and supplier are whole tokens of their own ("cat:oil", "sup:…"), so that they match
 * exactly and never collide with words of the text.
 */
export interface ContentModel {
  /** items × terms. */
  items: Csr;
  /** terms × items (the same weights), for scoring all items against a profile. */
  terms: Csr;
  vocabulary: string[];
}

/** The tokens of a product: lower-case words of two or more letters or digits. */
export function itemTokens(item: Item): string[] {
  const words = `${item.text ?? ""}`.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  const tokens = [...words];
  if (item.category) {
    tokens.push(`cat:${item.category.trim().toLowerCase()}`);
  }
  if (item.supplier) {
    tokens.push(`sup:${item.supplier.trim().toLowerCase()}`);
  }
  return tokens;
}

export function fitContent(items: readonly Item[]): ContentModel {
  const vocabularyIndex = new Map<string, number>();
  const vocabulary: string[] = [];
  const docs = items.map((item) => {
    const tf = new Map<number, number>();
    for (const token of itemTokens(item)) {
      let t = vocabularyIndex.get(token);
      if (t === undefined) {
        t = vocabulary.length;
        vocabularyIndex.set(token, t);
        vocabulary.push(token);
      }
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    return tf;
  });
  const df = new Float64Array(vocabulary.length);
  for (const tf of docs) {
    for (const t of tf.keys()) {
      df[t] = (df[t] as number) + 1;
    }
  }
  const n = items.length;
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  docs.forEach((tf, i) => {
    const terms = [...tf.keys()].sort((a, b) => a - b);
    const w = terms.map(
      (t) => (tf.get(t) as number) * (Math.log((1 + n) / (1 + (df[t] as number))) + 1),
    );
    const norm = Math.hypot(...w) || 1;
    terms.forEach((t, k) => {
      indices.push(t);
      values.push((w[k] as number) / norm);
    });
    indptr[i + 1] = indices.length;
  });
  const itemsCsr: Csr = {
    rows: n,
    cols: vocabulary.length,
    indptr,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
  return { items: itemsCsr, terms: transposeCsr(itemsCsr), vocabulary };
}

/** Per-term scratch of each model (all zero between calls). */
const termWorks = new WeakMap<ContentModel, Float64Array>();

/**
 * Scores every item by the cosine-like match of its vector with the trader's profile (the sum of
 * the vectors of the trader's products, weighted).
 */
export function scoreContent(
  model: ContentModel,
  items: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: Float64Array,
): void {
  const { items: x, terms } = model;
  let termWork = termWorks.get(model);
  if (!termWork) {
    termWork = new Float64Array(model.vocabulary.length);
    termWorks.set(model, termWork);
  }
  const touched: number[] = [];
  for (let e = 0; e < items.length; e++) {
    const i = items[e] as number;
    if (i >= x.rows) {
      continue;
    }
    const w = weights[e] as number;
    for (let p = x.indptr[i] as number; p < (x.indptr[i + 1] as number); p++) {
      const t = x.indices[p] as number;
      if (termWork[t] === 0) {
        touched.push(t);
      }
      termWork[t] = (termWork[t] as number) + w * (x.values[p] as number);
    }
  }
  out.fill(0);
  for (const t of touched) {
    const v = termWork[t] as number;
    termWork[t] = 0;
    for (let p = terms.indptr[t] as number; p < (terms.indptr[t + 1] as number); p++) {
      const j = terms.indices[p] as number;
      out[j] = (out[j] as number) + v * (terms.values[p] as number);
    }
  }
}

/** Cosine similarity of two items (for explanations: which of the trader's items is closest). */
export function itemSimilarity(model: ContentModel, a: number, b: number): number {
  const x = model.items;
  let p = x.indptr[a] as number;
  let q = x.indptr[b] as number;
  const pe = x.indptr[a + 1] as number;
  const qe = x.indptr[b + 1] as number;
  let s = 0;
  while (p < pe && q < qe) {
    const tp = x.indices[p] as number;
    const tq = x.indices[q] as number;
    if (tp === tq) {
      s += (x.values[p] as number) * (x.values[q] as number);
      p++;
      q++;
    } else if (tp < tq) {
      p++;
    } else {
      q++;
    }
  }
  return s;
}
