import { ZProductTiers } from "@cs/contracts";
import { products } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSupplier, buildTrader } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { getProductForGroup, pickupPointsByIds, supplierIdsOfUser } from "./service.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MISSING = "0190f0e0-0000-7000-8000-000000000000";

describe("catalogue service for other domains", () => {
  it("gives a product with its supplier, category names and ladder", async () => {
    const [row] = await t.ctx.db
      .select({ id: products.id })
      .from(products)
      .where(eq(products.name, "Roller meal 10 kg"));
    const product = await getProductForGroup(t.ctx.db, row?.id ?? MISSING);
    expect(product).toMatchObject({
      name: "Roller meal 10 kg",
      unit: "10 kg bag",
      currency: "USD",
      unitPrice: 650,
      active: true,
      supplierName: "Mbare Wholesale Foods",
      categoryId: "maize-meal",
      categoryName: { en: "Maize meal", sn: "Hupfu", nd: "Impuphu" },
    });
    expect(product?.tiers[0]).toEqual({ minQty: 1, unitPrice: 650 });
    expect(ZProductTiers.safeParse(product?.tiers).success).toBe(true);
    expect(await getProductForGroup(t.ctx.db, MISSING)).toBeUndefined();
  });

  it("lists the suppliers a user works for", async () => {
    const supplier = await buildSupplier(t);
    const second = await buildSupplier(t, { owner: supplier.owner });
    expect(await supplierIdsOfUser(t.ctx.db, supplier.owner.id)).toEqual(
      [supplier.id, second.id].sort(),
    );
    expect(await supplierIdsOfUser(t.ctx.db, (await buildTrader(t)).id)).toEqual([]);
  });

  it("finds pickup points by id, skipping unknown ones", async () => {
    const response = await t.app.inject({ url: "/api/v1/pickup-points?marketId=mbare-musika" });
    const ids = response.json<{ items: Array<{ id: string }> }>().items.map((p) => p.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const found = await pickupPointsByIds(t.ctx.db, [...ids, MISSING, ids[0] ?? MISSING]);
    expect(found.map((p) => p.id).sort()).toEqual([...ids].sort());
    expect(found[0]).toEqual({
      id: expect.any(String),
      marketId: "mbare-musika",
      name: expect.any(String),
      address: expect.any(String),
      hours: expect.any(String),
    });
    expect(await pickupPointsByIds(t.ctx.db, [])).toEqual([]);
  });
});
