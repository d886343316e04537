import type { TTier } from "@cs/contracts";

/** The unit price in force for a group's total quantity: the highest tier reached. */
export function priceForQuantity(tiers: readonly TTier[], quantity: number): number {
  let price = tiers[0]?.unitPrice;
  for (const tier of tiers) {
    if (quantity >= tier.minQty) {
      price = tier.unitPrice;
    }
  }
  if (price === undefined) {
    throw new Error("a group has at least one tier");
  }
  return price;
}

/** The next cheaper tier and how many more units reach it, or null at the last tier. */
export function nextTier(
  tiers: readonly TTier[],
  quantity: number,
): { minQty: number; unitPrice: number; unitsToGo: number } | null {
  const current = priceForQuantity(tiers, quantity);
  const next = tiers.find((tier) => tier.minQty > quantity && tier.unitPrice < current);
  return next
    ? { minQty: next.minQty, unitPrice: next.unitPrice, unitsToGo: next.minQty - quantity }
    : null;
}

/**
 * What a paid share costs once the group closes: the final tier price, but never more than the
 * trader paid per unit (if others left and the tier rose, nobody is charged extra).
 */
export function settledAmount(
  quantity: number,
  unitPricePaid: number,
  finalUnitPrice: number,
): number {
  return quantity * Math.min(unitPricePaid, finalUnitPrice);
}

/**
 * The cheaper tier a rise in quantity from `before` to `after` reached, if any (the highest one
 * when several were passed at once): the occasion for a "tier reached" message.
 */
export function tierReached(tiers: readonly TTier[], before: number, after: number): TTier | null {
  const price = priceForQuantity(tiers, before);
  let reached: TTier | null = null;
  for (const tier of tiers) {
    if (tier.minQty > before && tier.minQty <= after && tier.unitPrice < price) {
      reached = tier;
    }
  }
  return reached;
}
