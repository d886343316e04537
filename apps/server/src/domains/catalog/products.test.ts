import type { TProduct } from "@cs/contracts";
import { auditLog, productTiers } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BuiltSupplier,
  buildAdmin,
  buildSupplier,
  buildTrader,
  buildUser,
} from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const maizeMeal = {
  categoryId: "maize-meal",
  name: "Roller meal 10 kg",
  description: "Fine white roller meal, 10 kg bag.",
  unit: "10 kg bag",
  currency: "USD",
  unitPrice: 650,
  stock: 300,
  images: ["https://cdn.example.com/roller-meal.jpg", "/media/roller-meal-2.jpg"],
  tiers: [
    { minQty: 1, unitPrice: 650 },
    { minQty: 20, unitPrice: 620 },
    { minQty: 50, unitPrice: 585 },
  ],
};

async function createProduct(supplier: BuiltSupplier, overrides: Record<string, unknown> = {}) {
  const response = await send(t, "POST", "/api/v1/products", {
    headers: supplier.authorization,
    body: { ...maizeMeal, ...overrides },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TProduct>();
}

describe("POST /api/v1/products", () => {
  it("adds a product with its price ladder to the supplier user's own supplier", async () => {
    const supplier = await buildSupplier(t);
    const product = await createProduct(supplier);
    expect(product).toMatchObject({
      ...maizeMeal,
      supplierId: supplier.id,
      active: true,
      abilities: { update: true },
    });
    const read = await send(t, "GET", `/api/v1/products/${product.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ tiers: maizeMeal.tiers, abilities: { update: false } });
    const audits = await t.ctx.db.select().from(auditLog).where(eq(auditLog.subjectId, product.id));
    expect(audits.map((row) => row.action)).toEqual(["product.created"]);
  });

  it("lets a manager of the team add products; staff and traders may not", async () => {
    const supplier = await buildSupplier(t);
    const manager = await buildUser(t, { role: "supplier", staffRole: "manager" });
    const staff = await buildUser(t, { role: "supplier", staffRole: "staff" });
    for (const user of [manager, staff]) {
      await send(t, "POST", `/api/v1/suppliers/${supplier.id}/members`, {
        headers: supplier.authorization,
        body: { userId: user.id },
      });
    }
    const byManager = await send(t, "POST", "/api/v1/products", {
      headers: manager.authorization,
      body: maizeMeal,
    });
    expect(byManager.json()).toMatchObject({ supplierId: supplier.id });
    const trader = await buildTrader(t);
    const before = await databaseSnapshot(t);
    for (const user of [staff, trader]) {
      expectProblem(
        await send(t, "POST", "/api/v1/products", { headers: user.authorization, body: maizeMeal }),
        403,
        "forbidden",
      );
    }
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("makes an admin name the supplier, and refuses an unknown one", async () => {
    const admin = await buildAdmin(t);
    const supplier = await buildSupplier(t);
    const unnamed = await send(t, "POST", "/api/v1/products", {
      headers: admin.authorization,
      body: maizeMeal,
    });
    expect(expectProblem(unnamed, 400, "validation_failed")).toEqual(["supplierId"]);
    const unknown = await send(t, "POST", "/api/v1/products", {
      headers: admin.authorization,
      body: { ...maizeMeal, supplierId: "0190f0e0-0000-7000-8000-000000000000" },
    });
    expect(expectProblem(unknown, 400, "unknown_reference")).toEqual(["supplierId"]);
    const named = await send(t, "POST", "/api/v1/products", {
      headers: admin.authorization,
      body: { ...maizeMeal, supplierId: supplier.id },
    });
    expect(named.statusCode).toBe(201);
    expect(named.json()).toMatchObject({ supplierId: supplier.id });
  });

  it("refuses a supplier user who names another supplier", async () => {
    const mine = await buildSupplier(t);
    const theirs = await buildSupplier(t);
    expectProblem(
      await send(t, "POST", "/api/v1/products", {
        headers: mine.authorization,
        body: { ...maizeMeal, supplierId: theirs.id },
      }),
      403,
      "forbidden",
    );
  });

  it.each([
    [
      "minQty not increasing",
      [
        { minQty: 1, unitPrice: 650 },
        { minQty: 1, unitPrice: 600 },
      ],
      "tiers.1.minQty",
    ],
    [
      "price rising with quantity",
      [
        { minQty: 1, unitPrice: 650 },
        { minQty: 20, unitPrice: 700 },
      ],
      "tiers.1.unitPrice",
    ],
    [
      "first tier not at 1",
      [
        { minQty: 5, unitPrice: 650 },
        { minQty: 20, unitPrice: 600 },
      ],
      "tiers.0.minQty",
    ],
    ["no tiers at all", [], "tiers"],
  ])("refuses a ladder with %s, naming the field", async (_name, tiers, path) => {
    const supplier = await buildSupplier(t);
    const before = await databaseSnapshot(t);
    const response = await send(t, "POST", "/api/v1/products", {
      headers: supplier.authorization,
      body: { ...maizeMeal, tiers },
    });
    expect(expectProblem(response, 400, "validation_failed")).toContain(path);
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it.each([
    ["a fractional price", { unitPrice: 6.5 }, "unitPrice"],
    ["a negative price", { unitPrice: -650 }, "unitPrice"],
    ["a zero price", { unitPrice: 0 }, "unitPrice"],
    ["a price as a string", { unitPrice: "6.50" }, "unitPrice"],
    ["a fractional tier price", { tiers: [{ minQty: 1, unitPrice: 649.99 }] }, "tiers.0.unitPrice"],
    ["negative stock", { stock: -1 }, "stock"],
    ["an http image", { images: ["http://cdn.example.com/a.jpg"] }, "images.0"],
    ["nine images", { images: Array.from({ length: 9 }, (_, i) => `/media/${i}.jpg`) }, "images"],
    ["an unknown currency", { currency: "ZAR" }, "currency"],
  ])("refuses %s", async (_name, overrides, path) => {
    const supplier = await buildSupplier(t);
    const response = await send(t, "POST", "/api/v1/products", {
      headers: supplier.authorization,
      body: { ...maizeMeal, ...overrides },
    });
    expect(expectProblem(response, 400, "validation_failed")).toContain(path);
  });

  it("refuses an unknown category without writing anything", async () => {
    const supplier = await buildSupplier(t);
    const before = await databaseSnapshot(t);
    const response = await send(t, "POST", "/api/v1/products", {
      headers: supplier.authorization,
      body: { ...maizeMeal, categoryId: "caviar" },
    });
    expect(expectProblem(response, 400, "unknown_reference")).toEqual(["categoryId"]);
    expect(await databaseSnapshot(t)).toEqual(before);
  });
});

describe("PATCH /api/v1/products/:id", () => {
  it("edits fields and replaces the whole ladder", async () => {
    const supplier = await buildSupplier(t);
    const product = await createProduct(supplier);
    const response = await send(t, "PATCH", `/api/v1/products/${product.id}`, {
      headers: supplier.authorization,
      body: {
        unitPrice: 700,
        stock: 120,
        tiers: [
          { minQty: 1, unitPrice: 700 },
          { minQty: 40, unitPrice: 630 },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      unitPrice: 700,
      stock: 120,
      name: maizeMeal.name,
      tiers: [
        { minQty: 1, unitPrice: 700 },
        { minQty: 40, unitPrice: 630 },
      ],
    });
    const stored = await t.ctx.db
      .select()
      .from(productTiers)
      .where(eq(productTiers.productId, product.id));
    expect(stored).toHaveLength(2);
  });

  it("answers 404 to another supplier, and changes nothing", async () => {
    const a = await buildSupplier(t);
    const b = await buildSupplier(t);
    const product = await createProduct(b);
    const before = await databaseSnapshot(t);
    const response = await send(t, "PATCH", `/api/v1/products/${product.id}`, {
      headers: a.authorization,
      body: { unitPrice: 1, tiers: [{ minQty: 1, unitPrice: 1 }] },
    });
    expectProblem(response, 404, "not_found");
    // The same answer as for a product that does not exist at all.
    expectProblem(
      await send(t, "PATCH", "/api/v1/products/0190f0e0-0000-7000-8000-000000000000", {
        headers: a.authorization,
        body: { unitPrice: 1 },
      }),
      404,
      "not_found",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
    expect((await send(t, "GET", `/api/v1/products/${product.id}`)).json()).toMatchObject({
      unitPrice: maizeMeal.unitPrice,
      tiers: maizeMeal.tiers,
    });
  });

  it("keeps exactly one ladder when two edits replace it at once", async () => {
    const supplier = await buildSupplier(t);
    const product = await createProduct(supplier);
    const ladders = [
      [
        { minQty: 1, unitPrice: 640 },
        { minQty: 30, unitPrice: 600 },
      ],
      [
        { minQty: 1, unitPrice: 660 },
        { minQty: 10, unitPrice: 640 },
        { minQty: 80, unitPrice: 590 },
      ],
    ];
    const responses = await Promise.all(
      ladders.map((tiers) =>
        send(t, "PATCH", `/api/v1/products/${product.id}`, {
          headers: supplier.authorization,
          body: { tiers },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
    const final = (await send(t, "GET", `/api/v1/products/${product.id}`)).json<TProduct>();
    expect(ladders).toContainEqual(final.tiers);
  });

  it("lets an admin edit any product; refuses an empty patch and an unknown category", async () => {
    const supplier = await buildSupplier(t);
    const product = await createProduct(supplier);
    const admin = await buildAdmin(t, "moderator");
    const edited = await send(t, "PATCH", `/api/v1/products/${product.id}`, {
      headers: admin.authorization,
      body: { name: "Roller meal 10 kg (new pack)" },
    });
    expect(edited.json()).toMatchObject({ name: "Roller meal 10 kg (new pack)" });
    expectProblem(
      await send(t, "PATCH", `/api/v1/products/${product.id}`, {
        headers: admin.authorization,
        body: {},
      }),
      400,
      "validation_failed",
    );
    const unknown = await send(t, "PATCH", `/api/v1/products/${product.id}`, {
      headers: admin.authorization,
      body: { categoryId: "caviar" },
    });
    expect(expectProblem(unknown, 400, "unknown_reference")).toEqual(["categoryId"]);
  });
});

describe("inactive products", () => {
  it("are hidden from the public and other users, visible to their team and admins", async () => {
    const supplier = await buildSupplier(t);
    const product = await createProduct(supplier, { name: "Hidden roller meal" });
    const off = await send(t, "PATCH", `/api/v1/products/${product.id}`, {
      headers: supplier.authorization,
      body: { active: false },
    });
    expect(off.json()).toMatchObject({ active: false });
    const url = `/api/v1/products/${product.id}`;
    const trader = await buildTrader(t);
    const otherSupplier = await buildSupplier(t);
    expectProblem(await send(t, "GET", url), 404, "not_found");
    for (const user of [trader, otherSupplier]) {
      expectProblem(await send(t, "GET", url, { headers: user.authorization }), 404, "not_found");
    }
    expect((await send(t, "GET", url, { headers: supplier.authorization })).statusCode).toBe(200);
    const analyst = await buildAdmin(t, "analyst");
    expect((await send(t, "GET", url, { headers: analyst.authorization })).statusCode).toBe(200);

    const listUrl = `/api/v1/products?supplierId=${supplier.id}`;
    expect((await send(t, "GET", listUrl)).json().items).toEqual([]);
    const own = await send(t, "GET", listUrl, { headers: supplier.authorization });
    expect(own.json().items.map((p: TProduct) => p.id)).toEqual([product.id]);
  });
});

describe("GET /api/v1/products", () => {
  it("filters by supplier, category and name, and pages by id", async () => {
    const supplier = await buildSupplier(t);
    const made = [
      await createProduct(supplier, { name: "Cooking oil 2 L", categoryId: "cooking-oil" }),
      await createProduct(supplier, { name: "Cooking oil 5 L", categoryId: "cooking-oil" }),
      await createProduct(supplier, { name: "Sugar 2 kg 100% cane", categoryId: "sugar" }),
    ];
    const base = `/api/v1/products?supplierId=${supplier.id}`;
    const ids = (response: { json: () => { items: TProduct[] } }) =>
      response.json().items.map((p) => p.id);
    expect(ids(await send(t, "GET", base))).toEqual(made.map((p) => p.id));
    expect(ids(await send(t, "GET", `${base}&categoryId=cooking-oil`))).toHaveLength(2);
    expect(ids(await send(t, "GET", `${base}&q=OIL%205`))).toEqual([made[1]?.id]);
    // A literal % in the search matches a % in the name, not anything.
    expect(ids(await send(t, "GET", `${base}&q=100%25`))).toEqual([made[2]?.id]);
    expect(ids(await send(t, "GET", `${base}&q=%25%25`))).toEqual([]);

    const first = (await send(t, "GET", `${base}&limit=2`)).json();
    expect(first.items).toHaveLength(2);
    const second = (await send(t, "GET", `${base}&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((p: TProduct) => p.id)).toEqual([made[2]?.id]);
    expect(second.nextCursor).toBeNull();
    expectProblem(await send(t, "GET", `${base}&limit=101`), 400, "validation_failed");
  });

  it("serves the demo catalogue with tiers to anyone", async () => {
    // Drinks: a category no test here adds products to.
    const response = await send(t, "GET", "/api/v1/products?categoryId=drinks");
    const items = response.json<{ items: TProduct[] }>().items;
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const product of items) {
      expect(product.tiers[0]).toEqual({ minQty: 1, unitPrice: product.unitPrice });
      expect(product.tiers.length).toBeGreaterThan(1);
    }
  });
});
