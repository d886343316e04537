import {
  type Csr,
  csrTimesDense,
  dot,
  invertSpd,
  orthonormalizeColumns,
  seededRandom,
  symmetricGramOf,
  transposeCsr,
} from "./linalg.ts";

/**
 * EASE (Steck 2019): item-item weights B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹.
 *
 * The exact inverse of a 3,400² Gram matrix costs ~2·10¹⁰ multiply-adds, about 20 s in
 * JavaScript. We use the spectral form instead: on a subspace Q (n × r) that holds the largest
 * eigen-directions of G = XᵀX (randomised subspace iteration, cost ∝ nnz(X)·r),
 *   P ≈ (1/λ)(I − QQᵀ) + Q(QᵀGQ + λI)⁻¹Qᵀ = (1/λ)I − Q·M·Qᵀ,  M = I/λ − (QᵀGQ + λI)⁻¹,
 * which is exact when G has no weight outside the subspace; directions whose eigenvalue is small
 * next to λ barely change P. Scoring a trader costs n·r instead of n².
 */
export interface EaseModel {
  rank: number;
  lambda: number;
  /** Q (items × rank). */
  q: Float64Array;
  /** Q·M (items × rank). */
  qm: Float64Array;
  /** 1 / diag(P) per item. */
  invDiag: Float64Array;
}

export interface EaseOptions {
  lambda: number;
  rank: number;
  /** Power iterations of the subspace (more: closer to the exact top eigen-directions). */
  iterations?: number;
  seed?: number;
  /**
   * A starting subspace (items × rank), e.g. the one fitted on most of the same data a moment
   * before: one iteration from it then does what several do from a random start.
   */
  init?: Float64Array;
}

/** Fits EASE on a traders × items matrix (binary or weighted values). */
export function fitEase(x: Csr, options: EaseOptions): EaseModel {
  const n = x.cols;
  const r = Math.max(1, Math.min(options.rank, n));
  const lambda = options.lambda;
  const xt = transposeCsr(x);
  const random = seededRandom(options.seed ?? 7);
  let q =
    options.init?.length === n * r
      ? Float64Array.from(options.init)
      : Float64Array.from({ length: n * r }, () => random() - 0.5);
  const y = new Float64Array(x.rows * r);
  let z = new Float64Array(n * r);
  const applyGram = (from: Float64Array, to: Float64Array) => {
    csrTimesDense(x, from, r, y);
    csrTimesDense(xt, y, r, to);
  };
  const iterations = options.iterations ?? 3;
  for (let it = 0; it < iterations; it++) {
    applyGram(q, z);
    [q, z] = [z, q];
    // One Cholesky-QR pass: its loss of orthogonality grows as cond(q)², harmless here (the
    // spectrum of XᵀX spans ~10⁴, so ~10⁻⁸), and the r × r system below absorbs the rest.
    orthonormalizeColumns(q, n, r, 1);
  }
  applyGram(q, z);
  const t = new Float64Array(r * r);
  symmetricGramOf(q, z, n, r, t);
  for (let a = 0; a < r; a++) {
    t[a * r + a] = (t[a * r + a] as number) + lambda;
  }
  const m = invertSpd(t, r);
  for (let a = 0; a < r * r; a++) {
    m[a] = -(m[a] as number);
  }
  for (let a = 0; a < r; a++) {
    m[a * r + a] = (m[a * r + a] as number) + 1 / lambda;
  }
  const qm = new Float64Array(n * r);
  const invDiag = new Float64Array(n);
  const row = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    const o = i * r;
    row.fill(0);
    for (let b = 0; b < r; b++) {
      const v = q[o + b] as number;
      const mb = b * r;
      let a = 0;
      for (; a + 3 < r; a += 4) {
        row[a] = (row[a] as number) + v * (m[mb + a] as number);
        row[a + 1] = (row[a + 1] as number) + v * (m[mb + a + 1] as number);
        row[a + 2] = (row[a + 2] as number) + v * (m[mb + a + 2] as number);
        row[a + 3] = (row[a + 3] as number) + v * (m[mb + a + 3] as number);
      }
      for (; a < r; a++) {
        row[a] = (row[a] as number) + v * (m[mb + a] as number);
      }
    }
    let diag = 1 / lambda;
    for (let a = 0; a < r; a++) {
      qm[o + a] = row[a] as number;
      diag -= (row[a] as number) * (q[o + a] as number);
    }
    invDiag[i] = 1 / Math.max(diag, 1e-12 / lambda);
  }
  return { rank: r, lambda, q, qm, invDiag };
}

/**
 * Scores every item for one trader given the trader's items and values (e.g. recency weights):
 * out_j = Σ_{i≠j} x_i·B_ij. `work` is scratch of length rank.
 */
export function scoreEase(
  model: EaseModel,
  items: ArrayLike<number>,
  values: ArrayLike<number>,
  out: Float64Array,
  work = new Float64Array(model.rank),
): void {
  const r = model.rank;
  const { q, qm, invDiag, lambda } = model;
  work.fill(0);
  for (let e = 0; e < items.length; e++) {
    const o = (items[e] as number) * r;
    const v = values[e] as number;
    for (let a = 0; a < r; a++) {
      work[a] = (work[a] as number) + v * (qm[o + a] as number);
    }
  }
  const n = invDiag.length;
  for (let j = 0; j < n; j++) {
    const s = dot(work, 0, q, j * r, r);
    // (x·P)_j = x_j/λ − s; the x_j terms cancel: out_j = x_j − (x·P)_j/P_jj on non-own items.
    out[j] = s * (invDiag[j] as number);
  }
  for (let e = 0; e < items.length; e++) {
    const j = items[e] as number;
    const v = values[e] as number;
    out[j] = (out[j] as number) + v - (v / lambda) * (invDiag[j] as number);
  }
}
