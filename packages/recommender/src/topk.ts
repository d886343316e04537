/**
 * The k best indices by score, best first: higher score, then higher `tieBreak` (popularity),
 * then lower index. Scores of -Infinity or NaN are never chosen. Runs in one pass with a sorted
 * buffer of k, which beats sorting every product for the small k of a recommendation list.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  tieBreak?: ArrayLike<number>,
): Int32Array {
  if (k > HEAP_FROM) {
    return topKByHeap(scores, k, tieBreak);
  }
  const best = new Int32Array(k);
  const bestScore = new Float64Array(k);
  const bestTie = new Float64Array(k);
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    if (!(s > Number.NEGATIVE_INFINITY)) {
      continue;
    }
    const t = tieBreak ? (tieBreak[i] as number) : 0;
    if (size === k) {
      const ls = bestScore[k - 1] as number;
      if (s < ls || (s === ls && t <= (bestTie[k - 1] as number))) {
        continue;
      }
    }
    let p = size < k ? size++ : k - 1;
    while (p > 0) {
      const ps = bestScore[p - 1] as number;
      if (ps > s || (ps === s && (bestTie[p - 1] as number) >= t)) {
        break;
      }
      best[p] = best[p - 1] as number;
      bestScore[p] = ps;
      bestTie[p] = bestTie[p - 1] as number;
      p--;
    }
    best[p] = i;
    bestScore[p] = s;
    bestTie[p] = t;
  }
  return size === k ? best : best.slice(0, size);
}

/**
 * Past this k the sorted buffer's shifts (k per accepted product) dominate: the deep lists of the
 * calibration (100 and more) select with a heap instead, O(n log k), in the same order.
 */
const HEAP_FROM = 24;

/** True when product a (score sa, tie ta) ranks below product b: the order of topK. */
function below(sa: number, ta: number, a: number, sb: number, tb: number, b: number): boolean {
  return sa < sb || (sa === sb && (ta < tb || (ta === tb && a > b)));
}

/**
 * Moves the hole at the heap's top down past every child that ranks below product i (score s,
 * tie t), within the first `size` slots; returns the slot where i belongs.
 */
function siftDown(
  heap: Int32Array,
  hs: Float64Array,
  ht: Float64Array,
  size: number,
  s: number,
  t: number,
  i: number,
): number {
  let p = 0;
  for (;;) {
    let c = 2 * p + 1;
    if (c >= size) {
      return p;
    }
    const r = c + 1;
    if (
      r < size &&
      below(
        hs[r] as number,
        ht[r] as number,
        heap[r] as number,
        hs[c] as number,
        ht[c] as number,
        heap[c] as number,
      )
    ) {
      c = r;
    }
    if (!below(hs[c] as number, ht[c] as number, heap[c] as number, s, t, i)) {
      return p;
    }
    heap[p] = heap[c] as number;
    hs[p] = hs[c] as number;
    ht[p] = ht[c] as number;
    p = c;
  }
}

function topKByHeap(
  scores: ArrayLike<number>,
  k: number,
  tieBreak?: ArrayLike<number>,
): Int32Array {
  // A min-heap (worst on top) of the best k seen so far.
  const heap = new Int32Array(k);
  const hs = new Float64Array(k);
  const ht = new Float64Array(k);
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    if (!(s > Number.NEGATIVE_INFINITY)) {
      continue;
    }
    const t = tieBreak ? (tieBreak[i] as number) : 0;
    let p: number;
    if (size < k) {
      // Sift up from the end.
      p = size++;
      while (p > 0) {
        const up = (p - 1) >> 1;
        if (!below(s, t, i, hs[up] as number, ht[up] as number, heap[up] as number)) {
          break;
        }
        heap[p] = heap[up] as number;
        hs[p] = hs[up] as number;
        ht[p] = ht[up] as number;
        p = up;
      }
    } else {
      if (below(s, t, i, hs[0] as number, ht[0] as number, heap[0] as number)) {
        continue;
      }
      // Replace the worst and sift down.
      p = siftDown(heap, hs, ht, k, s, t, i);
    }
    heap[p] = i;
    hs[p] = s;
    ht[p] = t;
  }
  // Pop the worst repeatedly into the back of the result: best first.
  const out = new Int32Array(size);
  for (let end = size - 1; end >= 0; end--) {
    out[end] = heap[0] as number;
    const i = heap[end] as number;
    const s = hs[end] as number;
    const t = ht[end] as number;
    const p = siftDown(heap, hs, ht, end, s, t, i);
    heap[p] = i;
    hs[p] = s;
    ht[p] = t;
  }
  return out;
}
