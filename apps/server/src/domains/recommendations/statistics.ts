/**
 * The statistics of an experiment's report: pure functions, no I/O.
 *
 * Rates are proportions of independent trials (traders, or impressions); their 95% intervals are
 * Wilson score intervals, which stay inside [0, 1] and keep a sensible width at 0 or n successes
 * and on small samples, where the textbook p ± z·√(p(1−p)/n) collapses to zero width. The
 * difference of two rates uses Newcombe's hybrid score interval (method 10 of Newcombe 1998,
 * built from the two Wilson intervals), for the same reasons.
 */

/** The two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;

export interface Proportion {
  successes: number;
  trials: number;
}

export interface RateInterval {
  /** successes / trials; null when there were no trials. */
  rate: number | null;
  low: number;
  high: number;
}

export interface DifferenceInterval {
  /** rate − control rate; null when either has no trials. */
  difference: number | null;
  low: number;
  high: number;
}

function check({ successes, trials }: Proportion): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0) {
    throw new RangeError(`not a count: ${successes} of ${trials}`);
  }
  if (successes > trials) {
    throw new RangeError(`more successes than trials: ${successes} of ${trials}`);
  }
}

/** The Wilson score interval of a proportion; with no trials, the rate is unknown: [0, 1]. */
export function wilsonInterval(p: Proportion, z = Z_95): RateInterval {
  check(p);
  const n = p.trials;
  if (n === 0) {
    return { rate: null, low: 0, high: 1 };
  }
  const rate = p.successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (rate + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((rate * (1 - rate)) / n + z2 / (4 * n * n))) / denominator;
  // Clamp the last ulp of rounding (10 of 10 gives 0.9999999999999999 + 1e-16 otherwise).
  return {
    rate,
    low: p.successes === 0 ? 0 : Math.max(0, centre - half),
    high: p.successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Newcombe's hybrid score interval of `variant`'s rate minus `control`'s: the distance from each
 * rate to its own Wilson limits, combined in quadrature.
 */
export function differenceInterval(
  variant: Proportion,
  control: Proportion,
  z = Z_95,
): DifferenceInterval {
  const a = wilsonInterval(variant, z);
  const b = wilsonInterval(control, z);
  if (a.rate === null || b.rate === null) {
    return { difference: null, low: -1, high: 1 };
  }
  const difference = a.rate - b.rate;
  return {
    difference,
    low: difference - Math.sqrt((a.rate - a.low) ** 2 + (b.high - b.rate) ** 2),
    high: difference + Math.sqrt((a.high - a.rate) ** 2 + (b.rate - b.low) ** 2),
  };
}
