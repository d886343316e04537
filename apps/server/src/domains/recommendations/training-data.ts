import { type DbOrTx, queryRows } from "@cs/db";
import type { Interaction, InteractionKind, Item, TraderProfile } from "@cs/recommender";
import { sql } from "drizzle-orm";

/** What a training run reads from the platform: interactions, the catalogue, preferences. */
export interface PlatformData {
  interactions: Interaction[];
  items: Item[];
  traders: TraderProfile[];
}

/** The group size a preference stands for, in units (the recommender compares numbers). */
const GROUP_SIZE_UNITS = { small: 10, medium: 30, large: 60 } as const;

/**
 * Reads the platform's history as the recommender's input. It is the one analytics read across
 * domains (participations, groups, catalogue, preferences), in SQL over the whole platform; it
 * writes nothing and no other code depends on these shapes.
 * - a paid share (paid, ready for pickup, collected) is a `payment`; a reservation or a refunded
 *   share a `join`;
 *   each at the time it happened, in the market of its pickup point;
 * - a recommendation clicked is a `click` on the group's product.
 */
export async function readPlatformData(db: DbOrTx): Promise<PlatformData> {
  const [shares, clicks, products, profiles] = await Promise.all([
    queryRows<{
      trader: string;
      product: string;
      status: string;
      at: Date | string;
      market: string;
    }>(
      db,
      sql`select p.trader_id as trader, g.product_id as product, p.status,
          coalesce(p.paid_at, p.created_at) as at, pp.market_id as market
        from participations p
        join groups g on g.id = p.group_id
        join pickup_points pp on pp.id = p.pickup_point_id
        where p.status in ('reserved', 'paid', 'ready_for_pickup', 'collected', 'refunded')`,
    ),
    queryRows<{ trader: string; product: string; at: Date | string }>(
      db,
      sql`select trader_id as trader, product_id as product, created_at as at
        from recommendation_events where kind = 'click'`,
    ),
    queryRows<{
      id: string;
      name: string;
      description: string;
      category: string;
      supplier: string;
      price: number | string;
      created: Date | string;
    }>(
      db,
      sql`select p.id, p.name, p.description, p.category_id as category,
          s.business_name as supplier, p.unit_price as price, p.created_at as created
        from products p join suppliers s on s.id = p.supplier_id where p.active`,
    ),
    queryRows<{
      user_id: string;
      market_id: string;
      categories: string[];
      budget_min: number;
      budget_max: number;
      group_sizes: Array<keyof typeof GROUP_SIZE_UNITS>;
    }>(
      db,
      sql`select user_id, market_id, categories, budget_min, budget_max, group_sizes
        from trader_profiles`,
    ),
  ]);
  // A refunded share was paid for a group that did not fund: intent, not a purchase.
  const kindOf = (status: string): InteractionKind =>
    status === "reserved" || status === "refunded" ? "join" : "payment";
  const interactions: Interaction[] = [
    ...shares.map((s) => ({
      userId: s.trader,
      itemId: s.product,
      timestamp: new Date(s.at).getTime(),
      kind: kindOf(s.status),
      market: s.market,
    })),
    ...clicks.map((c) => ({
      userId: c.trader,
      itemId: c.product,
      timestamp: new Date(c.at).getTime(),
      kind: "click" as const,
    })),
  ].sort((a, b) => a.timestamp - b.timestamp || a.userId.localeCompare(b.userId));
  const items: Item[] = products
    .map((p) => ({
      itemId: p.id,
      // The name on the first line: explanations name products by it (see serve.ts).
      text: `${p.name}\n${p.description}`,
      category: p.category,
      supplier: p.supplier,
      unitPrice: Number(p.price),
      createdAt: new Date(p.created).getTime(),
    }))
    .sort((a, b) => a.itemId.localeCompare(b.itemId));
  const traders = profiles
    .map((p) => toTraderProfile(p.user_id, p))
    .sort((a, b) => a.userId.localeCompare(b.userId));
  return { interactions, items, traders };
}

/** A trader's stated preferences in the recommender's terms. */
export function toTraderProfile(
  userId: string,
  p: {
    market_id: string;
    categories: string[];
    budget_min: number;
    budget_max: number;
    group_sizes: Array<keyof typeof GROUP_SIZE_UNITS>;
  },
): TraderProfile {
  const sizes = p.group_sizes.map((s) => GROUP_SIZE_UNITS[s]);
  return {
    userId,
    market: p.market_id,
    categories: p.categories,
    budgetMin: p.budget_min,
    budgetMax: p.budget_max,
    ...(sizes.length > 0 ? { groupSize: sizes.reduce((a, b) => a + b, 0) / sizes.length } : {}),
  };
}
