import type { TPickupPoint } from "@cs/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildSupplier, buildTrader } from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const honey = { id: "honey", name: { en: "Honey", sn: "Uchi", nd: "Uju" } };

describe("POST /api/v1/categories", () => {
  it("adds a category that the meta list then shows", async () => {
    const admin = await buildAdmin(t);
    const response = await send(t, "POST", "/api/v1/categories", {
      headers: admin.authorization,
      body: honey,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual(honey);
    const list = (await send(t, "GET", "/api/v1/meta/categories")).json<{
      items: Array<{ id: string }>;
    }>();
    expect(list.items.map((c) => c.id)).toContain("honey");
  });

  it("answers 409 already_exists for a taken id, changing nothing", async () => {
    const admin = await buildAdmin(t);
    const before = await databaseSnapshot(t);
    const response = await send(t, "POST", "/api/v1/categories", {
      headers: admin.authorization,
      body: { id: "maize-meal", name: { en: "Maize", sn: "Chibage", nd: "Umbila" } },
    });
    expect(expectProblem(response, 409, "already_exists")).toEqual(["id"]);
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it.each([
    ["Upper-case", { ...honey, id: "Honey" }, "id"],
    ["too short", { ...honey, id: "h" }, "id"],
    ["spaces", { ...honey, id: "wild honey" }, "id"],
    ["a missing language", { id: "jam", name: { en: "Jam", sn: "Jamu" } }, "name.nd"],
  ])("refuses an id or name with %s", async (_name, body, path) => {
    const admin = await buildAdmin(t);
    const response = await send(t, "POST", "/api/v1/categories", {
      headers: admin.authorization,
      body,
    });
    expect(expectProblem(response, 400, "validation_failed")).toContain(path);
  });

  it("is for superadmins and moderators only", async () => {
    for (const user of [await buildSupplier(t), await buildAdmin(t, "analyst")]) {
      expectProblem(
        await send(t, "POST", "/api/v1/categories", {
          headers: user.authorization,
          body: { ...honey, id: "jam" },
        }),
        403,
        "forbidden",
      );
    }
  });
});

describe("/api/v1/pickup-points", () => {
  it("adds, edits and lists pickup points by market", async () => {
    const admin = await buildAdmin(t, "moderator");
    const created = await send(t, "POST", "/api/v1/pickup-points", {
      headers: admin.authorization,
      body: {
        marketId: "kuwadzana",
        name: "Kuwadzana 5 depot",
        address: "Kuwadzana 5 shopping centre",
        hours: "Mon–Sat 07:00–17:00",
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const point = created.json<TPickupPoint>();
    const edited = await send(t, "PATCH", `/api/v1/pickup-points/${point.id}`, {
      headers: admin.authorization,
      body: { hours: "Mon–Sun 06:00–18:00" },
    });
    expect(edited.json()).toEqual({ ...point, hours: "Mon–Sun 06:00–18:00" });
    const list = (await send(t, "GET", "/api/v1/pickup-points?marketId=kuwadzana")).json<{
      items: TPickupPoint[];
    }>();
    expect(list.items.map((p) => p.name)).toEqual(["Kuwadzana 2 shops", "Kuwadzana 5 depot"]);
    expect(list.items.every((p) => p.marketId === "kuwadzana")).toBe(true);
    const all = (await send(t, "GET", "/api/v1/pickup-points")).json<{ items: TPickupPoint[] }>();
    expect(all.items.length).toBeGreaterThan(list.items.length);
  });

  it("refuses an unknown market, an unknown point and non-admins, changing nothing", async () => {
    const admin = await buildAdmin(t);
    const trader = await buildTrader(t);
    const [existing] = (await send(t, "GET", "/api/v1/pickup-points")).json<{
      items: TPickupPoint[];
    }>().items;
    const before = await databaseSnapshot(t);
    const unknownMarket = await send(t, "POST", "/api/v1/pickup-points", {
      headers: admin.authorization,
      body: { marketId: "atlantis", name: "Depot", address: "Somewhere", hours: "Never" },
    });
    expect(expectProblem(unknownMarket, 400, "unknown_reference")).toEqual(["marketId"]);
    const movedNowhere = await send(t, "PATCH", `/api/v1/pickup-points/${existing?.id}`, {
      headers: admin.authorization,
      body: { marketId: "atlantis" },
    });
    expect(expectProblem(movedNowhere, 400, "unknown_reference")).toEqual(["marketId"]);
    expectProblem(
      await send(t, "PATCH", "/api/v1/pickup-points/0190f0e0-0000-7000-8000-000000000000", {
        headers: admin.authorization,
        body: { hours: "Always" },
      }),
      404,
      "not_found",
    );
    expectProblem(
      await send(t, "PATCH", `/api/v1/pickup-points/${existing?.id}`, {
        headers: trader.authorization,
        body: { hours: "Always" },
      }),
      403,
      "forbidden",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });
});
