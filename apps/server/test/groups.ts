import type { TCreateGroupRequest, TJoinGroupResponse } from "@cs/contracts";
import { groups, participations, pickupPoints, products, queryRows, users } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import { createGroup } from "../src/domains/groups/create-group.ts";
import type { GroupRow } from "../src/domains/groups/presenter.ts";
import { accounts, balance, unbalancedEntries } from "../src/domains/payments/ledger.ts";
import type { Actor } from "../src/platform/auth/permissions.ts";
import { newId } from "../src/platform/ids.ts";
import { buildAdmin, buildTrader, TEST_PASSWORD, uniquePhone } from "./factories.ts";
import type { TestApp } from "./harness.ts";

export const LADDER = [
  { minQty: 1, unitPrice: 1000 },
  { minQty: 10, unitPrice: 920 },
  { minQty: 20, unitPrice: 850 },
];

/** A group on a seeded product, made by an admin; open unless told otherwise. */
export async function buildGroup(
  t: TestApp,
  overrides: Partial<TCreateGroupRequest> = {},
): Promise<GroupRow> {
  const admin = await buildAdmin(t);
  const actor: Actor = {
    id: admin.id,
    role: "admin",
    staffRole: "superadmin",
    phoneVerified: true,
    language: "en",
  };
  const [product] = await t.ctx.db
    .select({ id: products.id })
    .from(products)
    .where(eq(products.currency, "USD"))
    .limit(1);
  const points = await t.ctx.db.select({ id: pickupPoints.id }).from(pickupPoints).limit(2);
  return createGroup(
    t.ctx,
    actor,
    {
      productId: product?.id as string,
      moq: 10,
      minPerTrader: 1,
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
      pickupPointIds: points.map((p) => p.id),
      tiers: LADDER,
      open: true,
      ...overrides,
    } as Parameters<typeof createGroup>[2],
    "test",
  );
}

/** Many verified traders at once (for concurrency tests), with access tokens. */
export async function buildTraders(
  t: TestApp,
  count: number,
): Promise<Array<{ id: string; authorization: { authorization: string } }>> {
  const one = await buildTrader(t);
  const [row] = await t.ctx.db
    .select({ hash: users.passwordHash })
    .from(users)
    .where(eq(users.id, one.id));
  const rows = Array.from({ length: count }, () => ({
    id: newId(),
    phone: uniquePhone(),
    name: "Load Trader",
    passwordHash: row?.hash ?? TEST_PASSWORD,
    role: "trader" as const,
    phoneVerifiedAt: new Date(),
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await t.ctx.db.insert(users).values(rows.slice(i, i + 200));
  }
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      authorization: { authorization: `Bearer ${await t.ctx.tokens.sign(r.id)}` },
    })),
  );
}

export async function join(
  t: TestApp,
  auth: { authorization: string },
  groupId: string,
  quantity: number,
  extra: Record<string, unknown> = {},
) {
  return t.app.inject({
    method: "POST",
    url: `/api/v1/groups/${groupId}/join`,
    headers: { ...auth, "content-type": "application/json" },
    payload: JSON.stringify({ quantity, ...extra }),
  });
}

/** The trader on the sandbox checkout page: picks a method and approves (or declines). */
export async function decideCheckout(
  t: TestApp,
  joined: TJoinGroupResponse,
  approve = true,
): Promise<void> {
  const id = joined.payment.checkoutUrl?.split("/").pop();
  const response = await t.app.inject({
    method: "POST",
    url: `/sandbox/checkout/${id}`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: `method=ecocash&decision=${approve ? "approve" : "decline"}`,
  });
  expect(response.statusCode).toBe(303);
}

/** Joins and pays through the sandbox, webhook and all; returns the join response. */
export async function joinAndPay(
  t: TestApp,
  auth: { authorization: string },
  groupId: string,
  quantity: number,
): Promise<TJoinGroupResponse> {
  const response = await join(t, auth, groupId, quantity);
  expect(response.statusCode, response.body).toBe(201);
  const joined = response.json<TJoinGroupResponse>();
  await decideCheckout(t, joined);
  await t.drainOutbox();
  return joined;
}

/** Moves a group's deadline into the past, as time would. */
export async function passDeadline(t: TestApp, groupId: string): Promise<void> {
  await t.ctx.db
    .update(groups)
    .set({ deadline: sql`now() - interval '1 second'` })
    .where(eq(groups.id, groupId));
}

const AFTER_FUNDING: string[] = ["funded", "ordered", "delivered", "completed"];

/**
 * The money invariants, checked after every scenario: every journal entry balances; an open
 * group's escrow holds exactly what its traders have in; refunds payable equals the refunds not
 * yet sent; a funded group's escrow is empty, and stays so through delivery and completion.
 */
export async function expectLedgerConsistent(t: TestApp): Promise<void> {
  expect(await unbalancedEntries(t.ctx.db)).toEqual([]);
  const all = await t.ctx.db.select().from(groups);
  for (const group of all) {
    const shares = await t.ctx.db
      .select()
      .from(participations)
      .where(eq(participations.groupId, group.id));
    const held = shares.reduce((sum, s) => sum + s.amountPaid - s.amountRefunded, 0);
    const escrow = 0 - (await balance(t.ctx.db, accounts.escrow(group.id), group.currency)) || 0;
    if (AFTER_FUNDING.includes(group.status)) {
      // The escrow went to the supplier's payable; refunds after that come back through it.
      expect(escrow, `escrow of ${group.status} group ${group.code}`).toBe(0);
    } else {
      expect(escrow, `escrow of ${group.status} group ${group.code}`).toBe(held);
    }
    const paidQty = shares
      .filter((s) => s.status === "paid")
      .reduce((sum, s) => sum + s.quantity, 0);
    if (group.status === "open") {
      expect(group.paidQty, `paid quantity of ${group.code}`).toBe(paidQty);
      const heldQty = shares
        .filter((s) => s.status === "reserved")
        .reduce((sum, s) => sum + s.quantity, 0);
      expect(group.heldQty, `held quantity of ${group.code}`).toBe(heldQty);
    }
  }
  for (const currency of ["USD", "ZWG"] as const) {
    const [row] = await queryRows<{ owed: string | null }>(
      t.ctx.db,
      sql`select sum(amount)::text as owed from refunds where status <> 'sent' and currency = ${currency}`,
    );
    expect(0 - (await balance(t.ctx.db, accounts.refundsPayable, currency)) || 0).toBe(
      Number(row?.owed ?? 0),
    );
  }
}
