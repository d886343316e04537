import type { TSupplier } from "@cs/contracts";
import { auditLog } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildAdmin,
  buildSupplier,
  buildTrader,
  buildUser,
  uniquePhone,
} from "../../../test/factories.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { databaseSnapshot } from "../../../test/snapshot.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function newSupplier(overrides: Record<string, unknown> = {}) {
  return {
    businessName: "Siyaso Hardware & Grocers",
    contactPhone: `0${uniquePhone().slice(4)}`,
    contactEmail: "orders@siyaso.example",
    marketId: "siyaso",
    address: "Stand 9, Siyaso Home Industry",
    ...overrides,
  };
}

describe("POST /api/v1/suppliers", () => {
  it("registers a supplier, pending verification, readable by anyone", async () => {
    const admin = await buildAdmin(t);
    const body = newSupplier();
    const response = await send(t, "POST", "/api/v1/suppliers", {
      headers: admin.authorization,
      body,
    });
    expect(response.statusCode, response.body).toBe(201);
    const supplier = response.json<TSupplier>();
    expect(supplier).toMatchObject({
      businessName: body.businessName,
      contactPhone: `+263${body.contactPhone.slice(1)}`,
      verificationStatus: "pending",
      abilities: { update: true, verify: true, addMember: true },
    });
    const read = await send(t, "GET", `/api/v1/suppliers/${supplier.id}`);
    expect(read.json()).toMatchObject({
      id: supplier.id,
      abilities: { update: false, verify: false, addMember: false },
    });
    const audits = await t.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, supplier.id));
    expect(audits.map((row) => row.action)).toEqual(["supplier.created"]);
  });

  it("is for admins: a supplier owner may not register another supplier", async () => {
    const owner = await buildSupplier(t);
    const before = await databaseSnapshot(t);
    expectProblem(
      await send(t, "POST", "/api/v1/suppliers", {
        headers: owner.authorization,
        body: newSupplier(),
      }),
      403,
      "forbidden",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("refuses an unknown market and a bad phone, naming the field", async () => {
    const admin = await buildAdmin(t);
    const unknown = await send(t, "POST", "/api/v1/suppliers", {
      headers: admin.authorization,
      body: newSupplier({ marketId: "atlantis" }),
    });
    expect(expectProblem(unknown, 400, "unknown_reference")).toEqual(["marketId"]);
    const phone = await send(t, "POST", "/api/v1/suppliers", {
      headers: admin.authorization,
      body: newSupplier({ contactPhone: "0242123456" }),
    });
    expect(expectProblem(phone, 400, "validation_failed")).toEqual(["contactPhone"]);
  });
});

describe("PATCH /api/v1/suppliers/:id", () => {
  it("lets the owner edit their supplier but not its verification", async () => {
    const supplier = await buildSupplier(t, { verificationStatus: "pending" });
    const url = `/api/v1/suppliers/${supplier.id}`;
    const edited = await send(t, "PATCH", url, {
      headers: supplier.authorization,
      body: { address: "Stand 14, Mbare Musika", contactEmail: null },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      address: "Stand 14, Mbare Musika",
      contactEmail: null,
      abilities: { update: true, verify: false },
    });
    const before = await databaseSnapshot(t);
    expectProblem(
      await send(t, "PATCH", url, {
        headers: supplier.authorization,
        body: { verificationStatus: "verified" },
      }),
      403,
      "forbidden",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });

  it("lets an admin verify a supplier, recording the change", async () => {
    const supplier = await buildSupplier(t, { verificationStatus: "pending" });
    const admin = await buildAdmin(t, "moderator");
    const response = await send(t, "PATCH", `/api/v1/suppliers/${supplier.id}`, {
      headers: admin.authorization,
      body: { verificationStatus: "verified" },
    });
    expect(response.json()).toMatchObject({ verificationStatus: "verified" });
    const [entry] = await t.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, supplier.id));
    expect(entry).toMatchObject({
      action: "supplier.verification_changed",
      actorId: admin.id,
      data: { from: "pending", to: "verified" },
    });
  });

  it("refuses the owner of another supplier, a manager and an unknown supplier", async () => {
    const supplier = await buildSupplier(t);
    const other = await buildSupplier(t);
    const manager = await buildUser(t, { role: "supplier", staffRole: "manager" });
    const admin = await buildAdmin(t);
    const before = await databaseSnapshot(t);
    const url = `/api/v1/suppliers/${supplier.id}`;
    const body = { businessName: "Taken Over Ltd" };
    expectProblem(
      await send(t, "PATCH", url, { headers: other.authorization, body }),
      403,
      "forbidden",
    );
    expectProblem(
      await send(t, "PATCH", url, { headers: manager.authorization, body }),
      403,
      "forbidden",
    );
    expectProblem(
      await send(t, "PATCH", "/api/v1/suppliers/0190f0e0-0000-7000-8000-000000000000", {
        headers: admin.authorization,
        body,
      }),
      404,
      "not_found",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });
});

describe("GET /api/v1/suppliers", () => {
  it("filters by market and verification status and pages by id", async () => {
    const made = [
      await buildSupplier(t, { marketId: "kuwadzana", verificationStatus: "rejected" }),
      await buildSupplier(t, { marketId: "kuwadzana", verificationStatus: "rejected" }),
      await buildSupplier(t, { marketId: "kuwadzana", verificationStatus: "rejected" }),
    ];
    const base = "/api/v1/suppliers?marketId=kuwadzana&verificationStatus=rejected";
    const all = (await send(t, "GET", base)).json<{ items: TSupplier[] }>();
    expect(all.items.map((s) => s.id)).toEqual(made.map((s) => s.id).sort());
    const first = (await send(t, "GET", `${base}&limit=2`)).json();
    const second = (await send(t, "GET", `${base}&limit=2&cursor=${first.nextCursor}`)).json();
    expect([...first.items, ...second.items].map((s: TSupplier) => s.id)).toEqual(
      all.items.map((s) => s.id),
    );
    expect(second.nextCursor).toBeNull();
    expectProblem(
      await send(t, "GET", "/api/v1/suppliers?verificationStatus=maybe"),
      400,
      "validation_failed",
    );
  });
});

describe("POST /api/v1/suppliers/:id/members", () => {
  it("adds a supplier user to the team, who can then sell for it", async () => {
    const supplier = await buildSupplier(t);
    const manager = await buildUser(t, { role: "supplier", staffRole: "manager" });
    const url = `/api/v1/suppliers/${supplier.id}/members`;
    const added = await send(t, "POST", url, {
      headers: supplier.authorization,
      body: { userId: manager.id },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ supplierId: supplier.id, userId: manager.id });
    expectProblem(
      await send(t, "POST", url, { headers: supplier.authorization, body: { userId: manager.id } }),
      409,
      "already_exists",
    );
  });

  it("refuses traders, unknown users and outsiders", async () => {
    const supplier = await buildSupplier(t);
    const other = await buildSupplier(t);
    const trader = await buildTrader(t);
    const candidate = await buildUser(t, { role: "supplier", staffRole: "staff" });
    const url = `/api/v1/suppliers/${supplier.id}/members`;
    const before = await databaseSnapshot(t);
    const notSupplier = await send(t, "POST", url, {
      headers: supplier.authorization,
      body: { userId: trader.id },
    });
    expect(expectProblem(notSupplier, 400, "validation_failed")).toEqual(["userId"]);
    const unknown = await send(t, "POST", url, {
      headers: supplier.authorization,
      body: { userId: "0190f0e0-0000-7000-8000-000000000000" },
    });
    expect(expectProblem(unknown, 400, "unknown_reference")).toEqual(["userId"]);
    expectProblem(
      await send(t, "POST", url, { headers: other.authorization, body: { userId: candidate.id } }),
      403,
      "forbidden",
    );
    expectProblem(
      await send(t, "POST", url, { headers: trader.authorization, body: { userId: candidate.id } }),
      403,
      "forbidden",
    );
    expect(await databaseSnapshot(t)).toEqual(before);
  });
});

describe("GET /api/v1/me/suppliers", () => {
  it("lists the teams a supplier user is on, whatever their team role, and nothing for others", async () => {
    const { buildSupplier, buildUser: makeUser } = await import("../../../test/factories.ts");
    const { supplierMembers } = await import("@cs/db");
    const supplier = await buildSupplier(t);
    const manager = await makeUser(t, { role: "supplier", staffRole: "manager" });
    await t.ctx.db.insert(supplierMembers).values({ supplierId: supplier.id, userId: manager.id });
    for (const user of [supplier.owner, manager]) {
      const response = await t.app.inject({
        url: "/api/v1/me/suppliers",
        headers: user.authorization,
      });
      expect(response.json<{ items: TSupplier[] }>().items.map((s) => s.id)).toEqual([supplier.id]);
    }
    const trader = await makeUser(t, { role: "trader" });
    expect(
      (await t.app.inject({ url: "/api/v1/me/suppliers", headers: trader.authorization })).json(),
    ).toEqual({ items: [] });
  });
});
