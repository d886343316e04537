import {
  groups,
  participations,
  pickupPoints,
  products,
  suppliers,
  traderProfiles,
  users,
} from "@cs/db";
import { asc, eq, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { createGroup } from "../groups/create-group.ts";
import { createRandom } from "./random.ts";
import { DEMO_LOGINS } from "./seed.ts";

const DAY = 86_400_000;
/** Weeks of past purchases the demo has. */
export const HISTORY_WEEKS = 12;
const RHYTHM_DAYS = { daily: 7, weekly: 7, fortnightly: 14, monthly: 28 } as const;

type Share = typeof participations.$inferInsert;

/**
 * Past purchases with the structure real traders' have, so the demo's recommendations make
 * visible sense: each trader restocks two or three staples of their chosen categories on their
 * own rhythm (weekly, fortnightly, monthly; a little jitter, the odd week skipped), mostly from
 * suppliers in their own market, and now and then tries what is popular in that market. Each
 * week of each product is one completed group (cloned in SQL from one made by the real service:
 * display, search text and ladder stay right), and each purchase a collected share of it. The
 * demo trader restocks maize meal and cooking oil every week. Which traders buy what and when
 * follows `seed`; ids and times are of the run. Also opens a group for each staple that has
 * none, so what the history says is due can be recommended.
 */
export async function seedDemoHistory(ctx: AppContext, seed: number): Promise<number> {
  const random = createRandom(seed + 2);
  const [admin] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.admin));
  if (!admin) {
    return 0;
  }
  const actor: Actor = {
    id: admin.id,
    role: "admin",
    staffRole: "superadmin",
    phoneVerified: true,
    language: "en",
  };
  const catalogue = await ctx.db
    .select({
      id: products.id,
      name: products.name,
      price: products.unitPrice,
      category: products.categoryId,
      market: suppliers.marketId,
    })
    .from(products)
    .innerJoin(suppliers, eq(suppliers.id, products.supplierId))
    .orderBy(asc(products.name));
  const points = await ctx.db.select().from(pickupPoints).orderBy(asc(pickupPoints.name));
  const traders = await ctx.db
    .select({
      id: users.id,
      phone: users.phone,
      categories: traderProfiles.categories,
      market: traderProfiles.marketId,
      frequency: traderProfiles.purchaseFrequency,
    })
    .from(users)
    .innerJoin(traderProfiles, eq(traderProfiles.userId, users.id))
    .orderBy(asc(users.phone));

  // Each trader's staples: products of their categories, their own market's suppliers first.
  const now = Date.now();
  const history: Array<{ trader: string; product: string; at: number; market: string }> = [];
  const marketFavourites = new Map<string, string[]>();
  const demoStaples: string[] = [];
  for (const market of new Set(traders.map((t) => t.market))) {
    const local = catalogue.filter((p) => p.market === market);
    marketFavourites.set(
      market,
      random.sample(local.length > 0 ? local : catalogue, 3).map((p) => p.id),
    );
  }
  for (const trader of traders) {
    const demo = trader.phone === DEMO_LOGINS.trader;
    const wanted = demo ? ["maize-meal", "cooking-oil"] : trader.categories;
    const fits = catalogue.filter((p) => wanted.includes(p.category));
    const local = fits.filter((p) => p.market === trader.market);
    const pool = local.length >= 2 ? local : fits;
    const staples = demo
      ? wanted.flatMap((c) => pool.filter((p) => p.category === c).slice(0, 1))
      : random.sample(pool, Math.min(pool.length, random.int(2, 3)));
    const rhythm = demo ? 7 : RHYTHM_DAYS[trader.frequency];
    if (demo) {
      demoStaples.push(...staples.map((p) => p.id));
    }
    for (const staple of staples) {
      const offset = random.int(0, rhythm - 1);
      for (let day = HISTORY_WEEKS * 7 - offset; day > 2; day -= rhythm) {
        if (demo || random.next() > 0.1) {
          history.push({
            trader: trader.id,
            product: staple.id,
            at: now - (day + random.next() * (demo ? 0.5 : 1.5)) * DAY,
            market: trader.market,
          });
        }
      }
    }
    const favourites = marketFavourites.get(trader.market) ?? [];
    for (let tries = random.int(0, 3); tries > 0; tries--) {
      history.push({
        trader: trader.id,
        product: random.pick(favourites),
        at: now - random.int(3, HISTORY_WEEKS * 7) * DAY,
        market: trader.market,
      });
    }
  }

  // One completed group per product and week, cloned from one made by the real service.
  const weekGroups = new Map<string, string[]>();
  const used = [...new Set(history.map((h) => h.product))].sort();
  for (const [index, productId] of used.entries()) {
    const product = catalogue.find((p) => p.id === productId);
    if (!product) {
      continue;
    }
    const template = await createGroup(
      ctx,
      actor,
      {
        productId,
        moq: 10,
        minPerTrader: 1,
        deadline: new Date(now + DAY).toISOString(),
        pickupPointIds: points.slice(0, 1).map((p) => p.id),
        tiers: [{ minQty: 1, unitPrice: product.price }],
        open: false,
      },
      "demo-history",
    );
    const ids = Array.from({ length: HISTORY_WEEKS }, () => random.uuid());
    for (const [week, id] of ids.entries()) {
      const ends = new Date(now - (HISTORY_WEEKS - week - 1) * 7 * DAY - DAY);
      await ctx.db.execute(sql`insert into groups (id, code, product_id, supplier_id, category_id,
          created_by, title, status, currency, moq, cap, min_per_trader, max_per_trader, deadline,
          current_unit_price, final_unit_price, tiers, display, search_vector, market_ids,
          opened_at, closed_at, created_at, updated_at)
        select ${id}, ${`H${String(index).padStart(2, "0")}${String(week).padStart(2, "0")}X`},
          product_id, supplier_id, category_id, created_by, title, 'completed', currency, moq,
          cap, min_per_trader, max_per_trader, ${ends}, current_unit_price, current_unit_price,
          tiers, display, search_vector, market_ids, ${new Date(ends.getTime() - 7 * DAY)},
          ${ends}, ${new Date(ends.getTime() - 7 * DAY)}, ${ends}
        from groups where id = ${template.id}`);
    }
    await ctx.db.execute(sql`delete from group_pickup_points where group_id = ${template.id}`);
    await ctx.db.delete(groups).where(eq(groups.id, template.id));
    weekGroups.set(productId, ids);
  }
  const pointOf = (market: string) =>
    (points.find((p) => p.marketId === market) ?? points[0])?.id as string;
  const seen = new Set<string>();
  const shares: Share[] = [];
  for (const h of history) {
    const week = Math.min(
      HISTORY_WEEKS - 1,
      Math.max(0, HISTORY_WEEKS - 1 - Math.floor((now - h.at) / (7 * DAY))),
    );
    const groupId = weekGroups.get(h.product)?.[week];
    const key = `${groupId}:${h.trader}`;
    if (!groupId || seen.has(key)) {
      continue;
    }
    seen.add(key);
    const product = catalogue.find((p) => p.id === h.product);
    const quantity = random.int(1, 4);
    const at = new Date(h.at);
    shares.push({
      id: random.uuid(),
      groupId,
      traderId: h.trader,
      quantity,
      status: "collected",
      pickupPointId: pointOf(h.market),
      currency: "USD",
      holdExpiresAt: at,
      unitPricePaid: product?.price ?? 0,
      amountPaid: (product?.price ?? 0) * quantity,
      paidAt: at,
      createdAt: at,
      updatedAt: at,
    });
  }
  for (let i = 0; i < shares.length; i += 500) {
    await ctx.db.insert(participations).values(shares.slice(i, i + 500));
  }

  // An open group for every staple that has none, so what is due can be recommended.
  const open = await ctx.db
    .select({ productId: groups.productId })
    .from(groups)
    .where(eq(groups.status, "open"));
  const covered = new Set(open.map((g) => g.productId));
  const counts = new Map<string, number>();
  for (const s of history) {
    counts.set(s.product, (counts.get(s.product) ?? 0) + 1);
  }
  // The demo trader's staples first: what they are due to buy must have a group to join.
  const popular = [
    ...new Set([
      ...demoStaples,
      ...[...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([id]) => id),
    ]),
  ]
    .filter((id) => !covered.has(id))
    .slice(0, 8);
  for (const productId of popular) {
    const product = catalogue.find((p) => p.id === productId);
    if (!product) {
      continue;
    }
    const moq = random.pick([20, 30, 40]);
    await createGroup(
      ctx,
      actor,
      {
        productId,
        moq,
        cap: moq * 3,
        minPerTrader: 1,
        maxPerTrader: Math.ceil(moq / 2),
        deadline: new Date(now + random.int(24, 96) * 3_600_000).toISOString(),
        pickupPointIds: (points.some((p) => p.marketId === product.market)
          ? points.filter((p) => p.marketId === product.market)
          : points
        )
          .slice(0, 2)
          .map((p) => p.id),
        tiers: [
          { minQty: 1, unitPrice: product.price },
          { minQty: moq, unitPrice: Math.round(product.price * 0.9) },
        ],
        open: true,
      },
      "demo-history",
    );
  }
  return shares.length;
}
