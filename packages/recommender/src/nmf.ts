import {
  type Csr,
  csrTimesDense,
  dot,
  seededRandom,
  symmetricGramOf,
  transposeCsr,
} from "./linalg.ts";

/**
 * Non-negative matrix factorisation X ≈ W·Hᵀ of the weighted traders × products matrix, by
 * hierarchical alternating least squares (HALS: one column at a time, exact for that column), which
 * converges in far fewer sweeps than multiplicative updates.
 */
export interface NmfModel {
  components: number;
  /** traders × components. */
  w: Float64Array;
  /** products × components. */
  h: Float64Array;
}

export interface NmfOptions {
  components: number;
  iterations: number;
  seed?: number;
  /** Starting product factors (products × components), e.g. from a fit on most of the same data. */
  initH?: Float64Array;
}

/** One HALS sweep over the columns of `a` (rows × k), given xb = X·B and bb = BᵀB. */
function halsSweep(a: Float64Array, rows: number, k: number, xb: Float64Array, bb: Float64Array) {
  for (let c = 0; c < k; c++) {
    const d = Math.max(bb[c * k + c] as number, 1e-12);
    for (let i = 0; i < rows; i++) {
      const o = i * k;
      let s = xb[o + c] as number;
      for (let p = 0; p < k; p++) {
        s -= (a[o + p] as number) * (bb[p * k + c] as number);
      }
      const v = (a[o + c] as number) + s / d;
      a[o + c] = Math.max(v, 1e-12);
    }
  }
}

export function fitNmf(x: Csr, options: NmfOptions): NmfModel {
  const k = Math.max(1, options.components);
  const xt = transposeCsr(x);
  const random = seededRandom(options.seed ?? 11);
  let mean = 0;
  for (const v of x.values) {
    mean += v;
  }
  mean /= Math.max(1, x.rows * x.cols);
  const scale = Math.sqrt(mean / k);
  const w = Float64Array.from({ length: x.rows * k }, () => scale * (0.5 + random()));
  const h =
    options.initH?.length === x.cols * k
      ? Float64Array.from(options.initH)
      : Float64Array.from({ length: x.cols * k }, () => scale * (0.5 + random()));
  const xh = new Float64Array(x.rows * k);
  const xtw = new Float64Array(x.cols * k);
  const gram = new Float64Array(k * k);
  for (let it = 0; it < options.iterations; it++) {
    csrTimesDense(x, h, k, xh);
    symmetricGramOf(h, h, x.cols, k, gram);
    halsSweep(w, x.rows, k, xh, gram);
    csrTimesDense(xt, w, k, xtw);
    symmetricGramOf(w, w, x.rows, k, gram);
    halsSweep(h, x.cols, k, xtw, gram);
  }
  return { components: k, w, h };
}

/** Scores every product for trader u (Wᵤ·Hᵀ). */
export function scoreNmf(model: NmfModel, u: number, out: Float64Array): void {
  const k = model.components;
  const { w, h } = model;
  const o = u * k;
  const n = h.length / k;
  for (let j = 0; j < n; j++) {
    out[j] = dot(w, o, h, j * k, k);
  }
}
