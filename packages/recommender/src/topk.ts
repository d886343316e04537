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
