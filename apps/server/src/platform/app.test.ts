import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAdmin, buildTrader } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: "https://app.connectsphere.example" });
});
afterAll(() => t.close());

describe("health", () => {
  it("limits API calls per address, but not the app's own files", async () => {
    const limited = await createTestApp({ RATE_LIMIT_PER_MINUTE: "3" });
    try {
      for (let i = 0; i < 6; i++) {
        expect((await limited.app.inject({ url: "/assets/app.js" })).statusCode).not.toBe(429);
        expect((await limited.app.inject({ url: "/groups" })).statusCode).not.toBe(429);
      }
      const api = [];
      for (let i = 0; i < 4; i++) {
        api.push((await limited.app.inject({ url: "/api/v1/groups" })).statusCode);
      }
      expect(api).toEqual([200, 200, 200, 429]);
      expect((await limited.app.inject({ url: "/dev/messages" })).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it("answers liveness and readiness", async () => {
    expect((await t.app.inject({ url: "/health" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  it("is not ready when the database cannot be reached", async () => {
    const other = await createTestApp();
    await other.ctx.database.close();
    const ready = await other.app.inject({ url: "/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: "service_unavailable" });
    await other.app.close();
  });
});

describe("GET /api/docs", () => {
  it("lists every API route with its schemas", async () => {
    const doc = (await t.app.inject({ url: "/api/docs/json" })).json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>
      >;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = t.app
      .printRoutes({ commonPrefix: false })
      .split("\n")
      .map((line) => line.replace(/^[\s│├└─]+/, "").split(" (")[0] ?? "")
      .filter((path) => path.startsWith("/api/v1/"));
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const openApiPath = route.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[openApiPath], route).toBeDefined();
    }
    expect(doc.paths["/api/v1/auth/register"]?.post?.requestBody).toBeDefined();
    expect(doc.paths["/api/v1/auth/register"]?.post?.responses["201"]).toBeDefined();
  });

  it("serves the interactive docs page", async () => {
    const page = await t.app.inject({ url: "/api/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
  });
});

describe("HTTP hygiene", () => {
  it("sets security headers and echoes a request id", async () => {
    const response = await t.app.inject({ url: "/health" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(response.headers["x-frame-options"]).toBeDefined();
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("allows cross-origin calls only from the configured origins", async () => {
    const allowed = await t.app.inject({
      url: "/health",
      headers: { origin: "https://app.connectsphere.example" },
    });
    expect(allowed.headers["access-control-allow-origin"]).toBe(
      "https://app.connectsphere.example",
    );
    const other = await t.app.inject({
      url: "/health",
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers an unknown route with a problem", async () => {
    const response = await t.app.inject({ url: "/api/v1/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "route_not_found", status: 404 });
  });

  it("rate-limits every route per address", async () => {
    const limited = await createTestApp({ RATE_LIMIT_PER_MINUTE: "5" });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        codes.push((await limited.app.inject({ url: "/api/v1/meta/markets" })).statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe("authorization", () => {
  it("refuses an admin route to a trader with 403 and allows it to an admin", async () => {
    const trader = await buildTrader(t);
    const refused = await t.app.inject({
      url: "/api/v1/admin/users",
      headers: trader.authorization,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: "forbidden" });
    const admin = await buildAdmin(t, "moderator");
    const allowed = await t.app.inject({
      url: "/api/v1/admin/users?role=admin&limit=2",
      headers: admin.authorization,
    });
    expect(allowed.statusCode).toBe(200);
    const page = allowed.json<{ items: Array<{ role: string }>; nextCursor: string | null }>();
    expect(page.items).toHaveLength(2);
    expect(page.items.every((u) => u.role === "admin")).toBe(true);
    expect(page.nextCursor).not.toBeNull();
    const next = await t.app.inject({
      url: `/api/v1/admin/users?role=admin&limit=2&cursor=${page.nextCursor}`,
      headers: admin.authorization,
    });
    const ids = next.json<{ items: Array<{ id: string }> }>().items.map((u) => u.id);
    expect(ids.some((id) => page.items.some((u) => (u as { id?: string }).id === id))).toBe(false);
  });

  it("will not start with a route that names neither a permission nor public", async () => {
    const { default: Fastify } = await import("fastify");
    const { authPlugin } = await import("./auth/plugin.ts");
    const app = Fastify();
    await app.register(authPlugin, { db: t.ctx.db, tokens: t.ctx.tokens });
    expect(() => app.get("/api/v1/forgotten", async () => ({ ok: true }))).toThrow(
      /declares neither public nor a permission/,
    );
    app.get("/api/v1/declared", { config: { permission: "session:self" } }, async () => ({
      ok: true,
    }));
    await app.ready();
    expect((await app.inject({ url: "/api/v1/declared" })).statusCode).not.toBe(200);
    await app.close();
  });
});
