import { pickupPoints, products } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader, buildUser } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function send(
  method: "GET" | "POST" | "PUT",
  url: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  return t.app.inject({
    method,
    url,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

const ask = {
  categoryId: "cooking-oil",
  marketId: "mbare-musika",
  description: "Cooking oil 2 L for my stall, bulk price please",
  quantity: 20,
};

describe("group requests", () => {
  it("a trader asks, an admin turns the request into an offer, the trader sees it converted", async () => {
    const trader = await buildTrader(t);
    const created = await send("POST", "/api/v1/group-requests", trader.authorization, ask);
    expect(created.statusCode).toBe(201);
    const request = created.json<{ id: string }>();
    const admin = await buildAdmin(t);
    const open = await send(
      "GET",
      "/api/v1/group-requests?status=open&category=cooking-oil",
      admin.authorization,
    );
    const seen = open
      .json<{ items: Array<{ id: string; mine: boolean }> }>()
      .items.find((r) => r.id === request.id);
    expect(seen).toMatchObject({ mine: false });
    expect(JSON.stringify(seen)).not.toContain(trader.id);
    const [product] = await t.ctx.db
      .select()
      .from(products)
      .where(eq(products.categoryId, "cooking-oil"))
      .limit(1);
    const [point] = await t.ctx.db
      .select()
      .from(pickupPoints)
      .where(eq(pickupPoints.marketId, "mbare-musika"))
      .limit(1);
    const offer = await send("POST", "/api/v1/groups", admin.authorization, {
      productId: product?.id,
      moq: 20,
      deadline: new Date(Date.now() + 86_400_000).toISOString(),
      pickupPointIds: [point?.id],
      requestId: request.id,
    });
    expect(offer.statusCode, offer.body).toBe(201);
    const mine = await send("GET", "/api/v1/group-requests", trader.authorization);
    expect(mine.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({
        id: request.id,
        status: "converted",
        groupId: offer.json<{ id: string }>().id,
        mine: true,
      }),
    ]);
    const twice = await send("POST", "/api/v1/groups", admin.authorization, {
      productId: product?.id,
      moq: 5,
      deadline: new Date(Date.now() + 86_400_000).toISOString(),
      pickupPointIds: [point?.id],
      requestId: request.id,
    });
    expect(twice.json()).toMatchObject({ code: "unknown_reference" });
  });

  it("lets a supplier decline, hides other traders' requests, and refuses bad input", async () => {
    const [a, b] = [await buildTrader(t), await buildTrader(t)];
    const request = (await send("POST", "/api/v1/group-requests", a.authorization, ask)).json<{
      id: string;
    }>();
    expect(
      (await send("GET", "/api/v1/group-requests", b.authorization))
        .json<{ items: Array<{ id: string }> }>()
        .items.map((r) => r.id),
    ).not.toContain(request.id);
    const before = await databaseSnapshot(t);
    expect(
      (
        await send("POST", "/api/v1/group-requests", a.authorization, {
          ...ask,
          marketId: "atlantis",
        })
      ).json(),
    ).toMatchObject({ code: "unknown_reference" });
    expect(
      (await send("POST", "/api/v1/group-requests", a.authorization, { ...ask, quantity: 0 }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await send("POST", `/api/v1/group-requests/${request.id}/decline`, a.authorization, {
          reason: "no",
        })
      ).statusCode,
    ).toBe(403);
    expect(await databaseSnapshot(t)).toEqual(before);
    const supplier = await buildUser(t, { role: "supplier", staffRole: "owner" });
    const declined = await send(
      "POST",
      `/api/v1/group-requests/${request.id}/decline`,
      supplier.authorization,
      { reason: "not our line" },
    );
    expect(declined.json()).toMatchObject({ status: "declined" });
    expect(
      (
        await send("POST", `/api/v1/group-requests/${request.id}/decline`, supplier.authorization, {
          reason: "again",
        })
      ).json(),
    ).toMatchObject({ code: "invalid_transition" });
  });
});

describe("exchange rates", () => {
  it("a superadmin sets the USD→ZiG rate, kept with history; prices show in both currencies", async () => {
    expect((await send("GET", "/api/v1/exchange-rates/current", {})).json()).toEqual({
      current: null,
    });
    const admin = await buildAdmin(t);
    expect(
      (
        await send("PUT", "/api/v1/admin/exchange-rates", admin.authorization, {
          quote: "ZWG",
          rate: "26.5",
        })
      ).statusCode,
    ).toBe(200);
    const set = await send("PUT", "/api/v1/admin/exchange-rates", admin.authorization, {
      quote: "ZWG",
      rate: "26.850001",
    });
    expect(set.json()).toMatchObject({ rate: "26.850001", setBy: admin.id });
    expect((await send("GET", "/api/v1/exchange-rates/current", {})).json()).toMatchObject({
      current: { rate: "26.850001" },
    });
    const history = await send("GET", "/api/v1/admin/exchange-rates", admin.authorization);
    expect(
      history
        .json<{ items: Array<{ rate: string }> }>()
        .items.map((r) => r.rate)
        .slice(0, 2),
    ).toEqual(["26.850001", "26.5"]);
    const { buildGroup } = await import("../../../test/groups.ts");
    const group = await buildGroup(t);
    const detail = (await send("GET", `/api/v1/groups/${group.id}`, {})).json<{
      currency: string;
      currentUnitPrice: number;
      altPrice: unknown;
    }>();
    expect(detail).toMatchObject({
      currency: "USD",
      currentUnitPrice: 1000,
      altPrice: { currency: "ZWG", unitPrice: 26_850 },
    });
  });

  it("refuses analysts, moderators and nonsense rates", async () => {
    const analyst = await buildAdmin(t, "analyst");
    expect(
      (
        await send("PUT", "/api/v1/admin/exchange-rates", analyst.authorization, {
          quote: "ZWG",
          rate: "30",
        })
      ).statusCode,
    ).toBe(403);
    const admin = await buildAdmin(t);
    for (const rate of ["0", "-3", "1e3", "26.1234567", "abc", "0.000000"]) {
      expect(
        (
          await send("PUT", "/api/v1/admin/exchange-rates", admin.authorization, {
            quote: "ZWG",
            rate,
          })
        ).statusCode,
        rate,
      ).toBe(400);
    }
    expect(
      (
        await send("PUT", "/api/v1/admin/exchange-rates", admin.authorization, {
          quote: "ZWG",
          rate: 26.85,
        })
      ).statusCode,
    ).toBe(400);
  });
});
