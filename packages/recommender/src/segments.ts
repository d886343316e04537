import type { HybridModel } from "./hybrid.ts";
import { seededRandom } from "./linalg.ts";

/** Trader segments: K-means on the traders' taste vectors, K chosen by silhouette score. */
export interface Segments {
  k: number;
  /** Mean silhouette per K tried (on an even sample of traders). */
  silhouette: Record<number, number>;
  /** k × dimensions. */
  centroids: Float32Array;
  dimensions: number;
  /** Segment of each trader of the model (−1: no history). */
  assignment: Int16Array;
}

function distance2(a: Float64Array, ao: number, b: ArrayLike<number>, bo: number, d: number) {
  let s = 0;
  for (let p = 0; p < d; p++) {
    const x = (a[ao + p] as number) - (b[bo + p] as number);
    s += x * x;
  }
  return s;
}

/** K-means (k-means++ start, Lloyd steps) on rows of x (n × d); returns labels and centroids. */
export function kMeans(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  seed = 3,
  iterations = 30,
) {
  const random = seededRandom(seed);
  const centroids = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let first = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(x.subarray(first * d, first * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i] as number, distance2(x, i * d, centroids, c * d, d));
      total += nearest[i] as number;
    }
    let pick = random() * total;
    first = n - 1;
    for (let i = 0; i < n; i++) {
      pick -= nearest[i] as number;
      if (pick <= 0) {
        first = i;
        break;
      }
    }
  }
  const labels = new Int32Array(n);
  const counts = new Float64Array(k);
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const dist = distance2(x, i * d, centroids, c * d, d);
        if (dist < bestD) {
          bestD = dist;
          best = c;
        }
      }
      moved += labels[i] === best ? 0 : 1;
      labels[i] = best;
    }
    if (it > 0 && moved === 0) {
      break;
    }
    centroids.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let p = 0; p < d; p++) {
        centroids[c * d + p] = (centroids[c * d + p] as number) + (x[i * d + p] as number);
      }
    }
    for (let c = 0; c < k; c++) {
      for (let p = 0; p < d; p++) {
        centroids[c * d + p] = (centroids[c * d + p] as number) / Math.max(1, counts[c] as number);
      }
    }
  }
  return { labels, centroids };
}

/** Mean silhouette of a labelling (exact, O(n²·d)). */
export function silhouette(x: Float64Array, n: number, d: number, labels: Int32Array, k: number) {
  const sums = new Float64Array(k);
  const sizes = new Float64Array(k);
  for (const l of labels) {
    sizes[l] = (sizes[l] as number) + 1;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (j !== i) {
        const l = labels[j] as number;
        sums[l] = (sums[l] as number) + Math.sqrt(distance2(x, i * d, x, j * d, d));
      }
    }
    const own = labels[i] as number;
    if ((sizes[own] as number) <= 1) {
      continue;
    }
    const a = (sums[own] as number) / ((sizes[own] as number) - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c !== own && (sizes[c] as number) > 0) {
        b = Math.min(b, (sums[c] as number) / (sizes[c] as number));
      }
    }
    total += Number.isFinite(b) && Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  }
  return n === 0 ? 0 : total / n;
}

/**
 * Segments the model's traders by their NMF taste vectors (normalised), trying K = 2…maxK (8: a
 * handful of segments an admin can read; on the public data sets the silhouette keeps rising
 * slowly with K, as the normalised NMF vectors lean on one of their components each) and
 * keeping the best mean silhouette on an even sample. Null when there is too little to segment.
 */
export function fitSegments(
  model: HybridModel,
  options: { maxK?: number; sample?: number } = {},
): Segments | null {
  const nmf = model.signals.nmf;
  const h = model.signals.history;
  if (!nmf) {
    return null;
  }
  const d = nmf.components;
  const users: number[] = [];
  for (let u = 0; u < model.userIds.length; u++) {
    if ((h.indptr[u + 1] as number) > (h.indptr[u] as number)) {
      users.push(u);
    }
  }
  if (users.length < 4) {
    return null;
  }
  const x = new Float64Array(users.length * d);
  users.forEach((u, r) => {
    let norm = 0;
    for (let p = 0; p < d; p++) {
      norm += (nmf.w[u * d + p] as number) ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (let p = 0; p < d; p++) {
      x[r * d + p] = (nmf.w[u * d + p] as number) / norm;
    }
  });
  const sampleSize = Math.min(users.length, options.sample ?? 1000);
  const step = users.length / sampleSize;
  const sample = new Float64Array(sampleSize * d);
  for (let s = 0; s < sampleSize; s++) {
    const r = Math.floor(s * step);
    sample.set(x.subarray(r * d, r * d + d), s * d);
  }
  const scores: Record<number, number> = {};
  let bestK = 2;
  const maxK = Math.min(options.maxK ?? 8, sampleSize - 1);
  for (let k = 2; k <= maxK; k++) {
    const { labels } = kMeans(sample, sampleSize, d, k);
    scores[k] = Math.round(silhouette(sample, sampleSize, d, labels, k) * 10000) / 10000;
    if ((scores[k] as number) > (scores[bestK] ?? Number.NEGATIVE_INFINITY)) {
      bestK = k;
    }
  }
  const { labels, centroids } = kMeans(x, users.length, d, bestK);
  const assignment = new Int16Array(model.userIds.length).fill(-1);
  users.forEach((u, r) => {
    assignment[u] = labels[r] as number;
  });
  return {
    k: bestK,
    silhouette: scores,
    centroids: Float32Array.from(centroids),
    dimensions: d,
    assignment,
  };
}
