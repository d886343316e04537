import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { TGroup } from "@cs/contracts";
import { groups, pickupPoints } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrader } from "../../../test/factories.ts";
import { buildGroup, join } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { preferredEncoding } from "./routes.ts";
import { toPrefixQuery } from "./search.ts";

let t: TestApp;
let made: Array<Awaited<ReturnType<typeof buildGroup>>> = [];
beforeAll(async () => {
  t = await createTestApp();
  made = [];
  for (let i = 0; i < 7; i++) {
    made.push(
      await buildGroup(t, {
        moq: 10 + i,
        title: `Search probe ${i}`,
        deadline: new Date(Date.now() + (i + 2) * 3_600_000).toISOString(),
      }),
    );
  }
});
afterAll(() => t.close());

async function search(query: string, headers: Record<string, string> = {}) {
  const response = await t.app.inject({ url: `/api/v1/groups?${query}`, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: TGroup[]; nextCursor: string | null }>();
}

describe("GET /api/v1/groups", () => {
  it("finds groups by word prefix in any language of the category", async () => {
    const group = made[0] as (typeof made)[number];
    const name = group.display.product.name.split(" ")[0] ?? "";
    const byProduct = await search(`q=${encodeURIComponent(name.slice(0, 4))}&limit=50`);
    expect(byProduct.items.map((g) => g.id)).toContain(group.id);
    const shona = group.display.category.name.sn.split(" ")[0] ?? "";
    expect(
      (await search(`q=${encodeURIComponent(shona)}&limit=50`)).items.map((g) => g.id),
    ).toContain(group.id);
    expect((await search("q=zzzznothing")).items).toEqual([]);
    expect(toPrefixQuery("  maize & oil!")).toBe("maize:* & oil:*");
    expect(toPrefixQuery("!!!")).toBeNull();
  });

  it("filters by category, market, pickup point, price, deadline and progress", async () => {
    const group = made[1] as (typeof made)[number];
    const point = group.display.pickupPoints[0];
    const ids = async (q: string) => (await search(`${q}&limit=50`)).items.map((g) => g.id);
    expect(await ids(`category=${group.categoryId}`)).toContain(group.id);
    expect(await ids("category=clothing-bales")).not.toContain(group.id);
    expect(await ids(`market=${point?.marketId}`)).toContain(group.id);
    expect(await ids(`pickupPoint=${point?.id}`)).toContain(group.id);
    const [elsewhere] = await t.ctx.db
      .select({ id: pickupPoints.id })
      .from(pickupPoints)
      .where(
        sql`${pickupPoints.id} not in (${sql.join(
          group.display.pickupPoints.map((p) => sql`${p.id}::uuid`),
          sql`, `,
        )})`,
      )
      .limit(1);
    expect(await ids(`pickupPoint=${elsewhere?.id}`)).not.toContain(group.id);
    expect(await ids("priceMin=900&priceMax=1000")).toContain(group.id);
    expect(await ids("priceMax=999")).not.toContain(group.id);
    expect(
      await ids(
        `endsBefore=${encodeURIComponent(new Date(Date.now() + 3.5 * 3_600_000).toISOString())}`,
      ),
    ).toContain(group.id);
    expect(
      await ids(
        `endsAfter=${encodeURIComponent(new Date(Date.now() + 4 * 3_600_000).toISOString())}`,
      ),
    ).not.toContain(group.id);
    await t.ctx.db.update(groups).set({ paidQty: 6 }).where(eq(groups.id, group.id));
    expect(await ids("minProgress=50")).toContain(group.id);
    expect(await ids("minProgress=60")).not.toContain(group.id);
    await t.ctx.db.update(groups).set({ paidQty: 0 }).where(eq(groups.id, group.id));
  });

  it("sorts and pages with a cursor, without repeats or gaps", async () => {
    for (const sort of ["ending_soon", "newest", "price", "progress"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: TGroup[]; nextCursor: string | null } = await search(
          `sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
        );
        seen.push(...page.items.map((g) => g.id));
        cursor = page.nextCursor;
      } while (cursor);
      const all = (await search(`sort=${sort}&limit=50`)).items.map((g) => g.id);
      expect(seen, sort).toEqual(all);
      expect(new Set(seen).size).toBe(seen.length);
    }
    const ending = (await search("sort=ending_soon&limit=50")).items.map((g) =>
      Date.parse(g.deadline),
    );
    expect(ending).toEqual([...ending].sort((a, b) => a - b));
  });

  it("never lists drafts, and tells a signed-in trader which groups they are in", async () => {
    const draft = await buildGroup(t, { open: false, title: "Hidden draft probe" });
    expect((await search("q=hidden&limit=50")).items.map((g) => g.id)).not.toContain(draft.id);
    expect((await search("status=draft&limit=50")).items).toEqual([]);
    const { buildAdmin } = await import("../../../test/factories.ts");
    const admin = await buildAdmin(t);
    const drafts = (await search("status=draft&limit=50", admin.authorization)).items;
    expect(drafts.map((g) => g.id)).toContain(draft.id);
    expect(drafts.every((g) => g.status === "draft")).toBe(true);
    expect((await t.app.inject({ url: `/api/v1/groups/${draft.id}` })).statusCode).toBe(404);
    const trader = await buildTrader(t);
    const group = made[2] as (typeof made)[number];
    await join(t, trader.authorization, group.id, 1);
    const mine = (await search("limit=50", trader.authorization)).items.find(
      (g) => g.id === group.id,
    );
    expect(mine?.myParticipation).toMatchObject({ status: "reserved", quantity: 1 });
    expect(mine?.abilities.join).toBe(false);
  });

  it("refuses a forged cursor and unknown parameters", async () => {
    expect((await t.app.inject({ url: "/api/v1/groups?cursor=bm9wZQ" })).json()).toMatchObject({
      status: 400,
      code: "validation_failed",
    });
    expect((await t.app.inject({ url: "/api/v1/groups?sort=cheapest" })).statusCode).toBe(400);
    expect((await t.app.inject({ url: "/api/v1/groups?limit=1000" })).statusCode).toBe(400);
  });
});

describe("shared search results", () => {
  it("serves the same public query from one read within the window, then reads again", async () => {
    const cached = await createTestApp({ SEARCH_CACHE_MS: "3000" });
    try {
      const url = "/api/v1/groups?q=windowprobe&limit=50";
      expect((await cached.app.inject({ url })).json<{ items: unknown[] }>().items).toHaveLength(0);
      await buildGroup(cached, { title: "Windowprobe maize" });
      // Within the window the page is shared (the new group is not in it yet)...
      expect((await cached.app.inject({ url })).json<{ items: unknown[] }>().items).toHaveLength(0);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      // ...and after it, the next read sees the change.
      expect((await cached.app.inject({ url })).json<{ items: unknown[] }>().items).toHaveLength(1);
    } finally {
      await cached.close();
    }
  });
});

describe("one body for everyone without a share on the page", () => {
  it("sends the same page, compressed as asked, to visitors and to traders with no share in it", async () => {
    const url = "/api/v1/groups?q=search%20probe&limit=5";
    const plain = await t.app.inject({ url });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["content-type"]).toMatch(/^application\/json/);
    // serverTime is when the page was made; the rest must be the same for everyone.
    const timeless = (body: string) =>
      JSON.parse(body, (key, value) => (key === "serverTime" ? undefined : value)) as {
        items: TGroup[];
      };
    const expected = timeless(plain.body);
    expect(expected.items.length).toBeGreaterThan(0);

    const gzip = await t.app.inject({ url, headers: { "accept-encoding": "gzip, deflate" } });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers.vary).toMatch(/accept-encoding/);
    expect(timeless(gunzipSync(gzip.rawPayload).toString("utf8"))).toEqual(expected);

    const br = await t.app.inject({ url, headers: { "accept-encoding": "gzip, br" } });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(timeless(brotliDecompressSync(br.rawPayload).toString("utf8"))).toEqual(expected);

    const trader = await buildTrader(t);
    const signedIn = await t.app.inject({ url, headers: trader.authorization });
    expect(timeless(signedIn.body)).toEqual(expected);

    // Once the trader joins one of these groups, their page is their own.
    const first = expected.items[0] as TGroup;
    expect((await join(t, trader.authorization, first.id, 1)).statusCode).toBe(201);
    const own = await t.app.inject({ url, headers: trader.authorization });
    const mine = own.json<{ items: TGroup[] }>().items.find((g) => g.id === first.id);
    expect(mine?.myParticipation?.quantity).toBe(1);
    expect(
      (await t.app.inject({ url })).json<{ items: TGroup[] }>().items[0]?.myParticipation,
    ).toBeNull();
  });

  it("honours a refused encoding", () => {
    expect(preferredEncoding("br;q=0, gzip")).toBe("gzip");
    expect(preferredEncoding("gzip;q=0")).toBeNull();
    expect(preferredEncoding(undefined)).toBeNull();
    expect(preferredEncoding("identity")).toBeNull();
  });
});
