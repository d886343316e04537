// A small synthetic market for the tests: traders in two markets, three taste groups, staples
// restocked on a weekly rhythm and occasional other buys. Deterministic (seeded).
import { seededRandom } from "./linalg.ts";
import type { Interaction, Item, TraderProfile } from "./types.ts";

export const DAY = 86_400_000;
export const START = Date.UTC(2025, 0, 6);

const GROUPS = [
  {
    category: "grain",
    names: ["Maize meal 10 kg", "Rice 5 kg", "Flour 2 kg", "Samp 5 kg", "Oats 1 kg"],
  },
  {
    category: "oil",
    names: ["Cooking oil 2 L", "Cooking oil 5 L", "Margarine 1 kg", "Peanut butter", "Lard 1 kg"],
  },
  {
    category: "soap",
    names: ["Bath soap bar", "Washing powder 2 kg", "Dish liquid", "Bleach 750 ml", "Laundry bar"],
  },
];

export const ITEMS: Item[] = GROUPS.flatMap((g, gi) =>
  g.names.map((name, i) => ({
    itemId: `${g.category}-${i}`,
    text: name,
    category: g.category,
    supplier: `supplier-${(gi + i) % 3}`,
    unitPrice: 2 + i + gi * 3,
  })),
);

export interface Market {
  interactions: Interaction[];
  items: Item[];
  traders: TraderProfile[];
  now: number;
}

/** `traders` traders over `days` days. Trader t belongs to taste group t % 3, market by t % 2. */
export function syntheticMarket(traders = 60, days = 120, seed = 5): Market {
  const random = seededRandom(seed);
  const interactions: Interaction[] = [];
  const profiles: TraderProfile[] = [];
  for (let t = 0; t < traders; t++) {
    const group = GROUPS[t % 3] as (typeof GROUPS)[number];
    const market = t % 2 === 0 ? "Mbare" : "Sakubva";
    const userId = `trader-${t}`;
    profiles.push({
      userId,
      market,
      categories: [group.category],
      budgetMin: 5,
      budgetMax: 40,
      groupSize: 10,
    });
    const staples = [0, 1, 2].map((k) => `${group.category}-${(t + k) % 5}`);
    const every = 5 + (t % 4) * 2;
    for (let d = t % every; d < days; d += every) {
      for (const itemId of staples) {
        if (random() < 0.85) {
          interactions.push({
            userId,
            itemId,
            timestamp: START + d * DAY + 9 * 3_600_000,
            quantity: 1,
            market,
          });
        }
      }
      if (random() < 0.3) {
        const other = GROUPS[Math.floor(random() * 3)] as (typeof GROUPS)[number];
        interactions.push({
          userId,
          itemId: `${other.category}-${Math.floor(random() * 5)}`,
          timestamp: START + d * DAY + 10 * 3_600_000,
          kind: random() < 0.5 ? "view" : "join",
          market,
        });
      }
    }
  }
  return { interactions, items: ITEMS, traders: profiles, now: START + days * DAY };
}
