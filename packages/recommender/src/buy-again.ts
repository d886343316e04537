/**
 * "Buy again": a trader's own products, scored by how often they bought them (distinct
 * occasions), how recently, and how due they are by their usual interval. A staple bought every
 * week and last bought a week ago scores high; one bought once a year ago scores low.
 */
export function buyAgainScore(
  occasions: number,
  firstAgeDays: number,
  lastAgeDays: number,
  halfLifeDays: number,
): number {
  const recency = Math.exp((-Math.LN2 * Math.max(0, lastAgeDays)) / halfLifeDays);
  // The usual interval: the mean gap between occasions; with one occasion no rhythm is known.
  const interval = occasions > 1 ? (firstAgeDays - lastAgeDays) / (occasions - 1) : 0;
  // Due: the time since the last purchase has reached the usual interval (a bounded lift).
  const due = interval > 0 ? Math.min(1, lastAgeDays / interval) : 0;
  return occasions * recency * (1 + 0.5 * due);
}
