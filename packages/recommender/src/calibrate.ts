/**
 * Rank calibration: the probability that a product is bought next, given the rank a signal gives
 * it for the trader, learned on a held-back slice of the training data. It puts signals of any
 * scale (EASE weights, TF-IDF cosines, purchase counts) on one scale, where adding them is fair.
 */
export interface RankCalibration {
  /** Upper bound (exclusive) of the rank of each bucket; ranks at or past the last: `tail`. */
  bounds: Int32Array;
  /** Probability of relevance per bucket, non-increasing. */
  probs: Float32Array;
  /** Probability for a product the signal does not rank (past the last bound or no support). */
  tail: number;
}

/** Buckets of ranks: the first ten one by one, then wider. */
export const RANK_BOUNDS = Int32Array.from([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100,
]);
export const MAX_RANK = RANK_BOUNDS[RANK_BOUNDS.length - 1] as number;

export function bucketOf(rank: number): number {
  let b = 0;
  while (b < RANK_BOUNDS.length && rank >= (RANK_BOUNDS[b] as number)) {
    b++;
  }
  return b;
}

/** Counts of hits and trials per rank bucket (the last one is the tail). */
export class CalibrationCounts {
  hits = new Float64Array(RANK_BOUNDS.length + 1);
  trials = new Float64Array(RANK_BOUNDS.length + 1);

  add(bucket: number, hit: boolean, trials = 1, hits = hit ? 1 : 0): void {
    this.hits[bucket] = (this.hits[bucket] as number) + hits;
    this.trials[bucket] = (this.trials[bucket] as number) + trials;
  }

  /**
   * Smoothed probabilities made non-increasing in rank by pooling adjacent violators, so that the
   * calibration never reverses the order the signal gave.
   */
  finish(): RankCalibration {
    const nb = this.hits.length;
    const totalHits = this.hits.reduce((a, b) => a + b, 0);
    const totalTrials = this.trials.reduce((a, b) => a + b, 0);
    const prior = totalTrials > 0 ? totalHits / totalTrials : 0;
    const blocks: { p: number; w: number; n: number }[] = [];
    for (let b = 0; b < nb; b++) {
      const w = (this.trials[b] as number) + 1;
      let block = { p: ((this.hits[b] as number) + prior) / w, w, n: 1 };
      while (blocks.length > 0 && (blocks[blocks.length - 1] as { p: number }).p < block.p) {
        const last = blocks.pop() as { p: number; w: number; n: number };
        block = {
          p: (last.p * last.w + block.p * block.w) / (last.w + block.w),
          w: last.w + block.w,
          n: last.n + block.n,
        };
      }
      blocks.push(block);
    }
    const probs = new Float32Array(nb);
    let b = 0;
    for (const block of blocks) {
      for (let j = 0; j < block.n; j++) {
        probs[b++] = block.p;
      }
    }
    return { bounds: RANK_BOUNDS, probs: probs.slice(0, nb - 1), tail: probs[nb - 1] as number };
  }
}

/** The calibrated probability of a rank. */
export function calibrated(c: RankCalibration, rank: number): number {
  return rank >= MAX_RANK ? c.tail : (c.probs[bucketOf(rank)] as number);
}
