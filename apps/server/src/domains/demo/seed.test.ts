import { type TProductTier, ZProductTiers } from "@cs/contracts";
import { openDatabase, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/harness.ts";
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TRADER_COUNT, seedDemo, seedIfEmpty } from "./seed.ts";

async function fingerprint(db: Parameters<typeof queryRows>[0]) {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
      (select md5(string_agg(id::text || phone || name || role || language, ',' order by id)) from users) as users,
      (select md5(string_agg(user_id::text || categories::text || market_id || budget_min::text, ',' order by user_id)) from trader_profiles) as profiles,
      (select md5(string_agg(id::text || name || unit_price::text || stock::text, ',' order by id)) from products) as products,
      (select md5(string_agg(product_id::text || min_qty::text || unit_price::text, ',' order by product_id, min_qty)) from product_tiers) as tiers`,
  );
  return row;
}

describe("demo data", () => {
  it("is the same world for the same seed and a different one for another seed", async () => {
    const worlds = [];
    for (const seed of [7, 7, 8]) {
      const handle = await openDatabase({ kind: "pglite", dataDir: null });
      await handle.migrate();
      await seedDemo(handle.db, seed);
      worlds.push(await fingerprint(handle.db));
      await handle.close();
    }
    expect(worlds[0]).toEqual(worlds[1]);
    expect(worlds[2]).not.toEqual(worlds[0]);
  });

  it("has a user of every role who can sign in, and a few hundred traders with preferences", async () => {
    const t = await createTestApp();
    try {
      for (const [role, phone] of Object.entries(DEMO_LOGINS)) {
        const response = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ phone, password: DEMO_PASSWORD }),
        });
        expect(response.statusCode, role).toBe(200);
      }
      const [counts] = await queryRows<{
        traders: number;
        profiles: number;
        roles: number;
        points: number;
        products: number;
      }>(
        t.ctx.db,
        sql`select (select count(*)::int from users where role = 'trader') as traders,
          (select count(*)::int from trader_profiles) as profiles,
          (select count(distinct role)::int from users) as roles,
          (select count(*)::int from pickup_points) as points,
          (select count(*)::int from products) as products`,
      );
      expect(counts?.traders).toBeGreaterThanOrEqual(DEMO_TRADER_COUNT);
      expect(counts?.profiles).toBeGreaterThanOrEqual(DEMO_TRADER_COUNT);
      expect(counts).toMatchObject({ roles: 4 });
      expect(counts?.points).toBeGreaterThanOrEqual(5);
      expect(counts?.products).toBeGreaterThanOrEqual(20);
      expect(await seedIfEmpty(t.ctx, 42)).toBeNull();
      // Every product has a valid ladder of at least two tiers, starting at its own price.
      const ladders = await queryRows<{ price: number; tiers: TProductTier[] }>(
        t.ctx.db,
        sql`select p.unit_price::int as price,
          json_agg(json_build_object('minQty', t.min_qty, 'unitPrice', t.unit_price::int)
            order by t.min_qty) as tiers
          from products p join product_tiers t on t.product_id = p.id group by p.id`,
      );
      expect(ladders).toHaveLength(counts?.products ?? 0);
      for (const { price, tiers } of ladders) {
        expect(ZProductTiers.parse(tiers)[0]).toEqual({ minQty: 1, unitPrice: price });
        expect(tiers.length).toBeGreaterThan(1);
      }
    } finally {
      await t.close();
    }
  });
});
