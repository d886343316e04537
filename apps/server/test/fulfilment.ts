import type { TJoinGroupResponse, TMyPickup } from "@cs/contracts";
import { pickupAgents, pickupPoints, supplierMembers, supplierOrders } from "@cs/db";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { closeGroupIfDue } from "../src/domains/groups/close-group.ts";
import type { GroupRow } from "../src/domains/groups/presenter.ts";
import { type BuiltUser, buildAdmin, buildTrader, buildUser } from "./factories.ts";
import { buildGroup, decideCheckout, join, passDeadline } from "./groups.ts";
import type { TestApp } from "./harness.ts";
import { send } from "./http.ts";

export interface FundedOrder {
  group: GroupRow;
  orderId: string;
  /** The pickup points the group offers, in the order the group lists them. */
  points: string[];
  traders: Array<{ user: BuiltUser; joined: TJoinGroupResponse; quantity: number; point: string }>;
}

/** A supplier team member of the given supplier (owner unless told otherwise). */
export async function buildSupplierMember(
  t: TestApp,
  supplierId: string,
  staffRole: "owner" | "manager" | "staff" = "owner",
): Promise<BuiltUser> {
  const user = await buildUser(t, { role: "supplier", staffRole, name: "Order Desk" });
  await t.ctx.db.insert(supplierMembers).values({ supplierId, userId: user.id });
  return user;
}

/** A pickup agent working at the given pickup point. */
export async function buildPickupAgent(t: TestApp, pickupPointId: string): Promise<BuiltUser> {
  const agent = await buildUser(t, { role: "pickup_agent", name: "Depot Agent" });
  await t.ctx.db.insert(pickupAgents).values({ userId: agent.id, pickupPointId });
  return agent;
}

/**
 * A group funded at its deadline and turned into a supplier order by the `group.funded` handler.
 * `shares` are [quantity, index of the pickup point] per trader; every trader pays on the sandbox,
 * except those marked "cash", who pay at pickup (and their deposit, if the rule asks one).
 */
export async function buildFundedOrder(
  t: TestApp,
  shares: Array<[number, number] | [number, number, "cash"]> = [
    [4, 0],
    [6, 0],
    [3, 1],
  ],
): Promise<FundedOrder> {
  const all = await t.ctx.db.select({ id: pickupPoints.id }).from(pickupPoints).limit(2);
  const points = all.map((p) => p.id);
  const group = await buildGroup(t, { moq: 5, pickupPointIds: points });
  const traders: FundedOrder["traders"] = [];
  for (const [quantity, index, method] of shares) {
    const user = await buildTrader(t);
    const point = points[index] as string;
    const response = await join(t, user.authorization, group.id, quantity, {
      pickupPointId: point,
      ...(method ? { method } : {}),
    });
    expect(response.statusCode, response.body).toBe(201);
    const joined = response.json<TJoinGroupResponse>();
    if (joined.payment.checkoutUrl) {
      await decideCheckout(t, joined);
    }
    await t.drainOutbox();
    traders.push({ user, joined, quantity, point });
  }
  await passDeadline(t, group.id);
  expect(await closeGroupIfDue(t.ctx, group.id)).toBe("funded");
  await t.drainOutbox();
  const [order] = await t.ctx.db
    .select({ id: supplierOrders.id })
    .from(supplierOrders)
    .where(eq(supplierOrders.groupId, group.id));
  expect(order, "the group.funded handler made an order").toBeDefined();
  return { group, orderId: order?.id as string, points, traders };
}

export interface DeliveredOrder extends FundedOrder {
  admin: BuiltUser;
  /** One agent per pickup point, in the order of `points`. */
  agents: BuiltUser[];
}

/** A funded order accepted by an admin, with an agent at each of its pickup points. */
export async function buildAcceptedOrder(
  t: TestApp,
  shares?: Parameters<typeof buildFundedOrder>[1],
): Promise<DeliveredOrder> {
  const funded = await buildFundedOrder(t, shares);
  const admin = await buildAdmin(t);
  const accepted = await send(t, "POST", `/api/v1/orders/${funded.orderId}/accept`, {
    headers: admin.authorization,
    body: { deliveryDate: "2026-08-01" },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const agents = [];
  for (const point of funded.points) {
    agents.push(await buildPickupAgent(t, point));
  }
  return { ...funded, admin, agents };
}

/** The agent at point `index` checks in `receivedQty` (everything ordered there by default). */
export async function receive(
  t: TestApp,
  order: DeliveredOrder,
  index: number,
  receivedQty?: number,
) {
  const ordered = order.traders
    .filter((tr) => tr.point === order.points[index])
    .reduce((sum, tr) => sum + tr.quantity, 0);
  return send(t, "POST", `/api/v1/pickup/deliveries/${order.orderId}/receive`, {
    headers: order.agents[index]?.authorization ?? {},
    body: { receivedQty: receivedQty ?? ordered, condition: "good" },
  });
}

/** A trader's pickup credentials as the app shows them. */
export async function myPickups(t: TestApp, trader: BuiltUser): Promise<TMyPickup[]> {
  const response = await send(t, "GET", "/api/v1/me/pickups", { headers: trader.authorization });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: TMyPickup[] }>().items;
}

/** A delivered order (every point checked in, in full) with each trader's live credential. */
export async function buildDeliveredOrder(
  t: TestApp,
  shares?: Parameters<typeof buildFundedOrder>[1],
): Promise<DeliveredOrder & { pickups: TMyPickup[] }> {
  const order = await buildAcceptedOrder(t, shares);
  for (const index of order.points.keys()) {
    if (order.traders.some((tr) => tr.point === order.points[index])) {
      const response = await receive(t, order, index);
      expect(response.statusCode, response.body).toBe(200);
    }
  }
  await t.drainOutbox();
  const pickups: TMyPickup[] = [];
  for (const trader of order.traders) {
    const [mine] = await myPickups(t, trader.user);
    expect(mine?.status).toBe("live");
    pickups.push(mine as TMyPickup);
  }
  return { ...order, pickups };
}

/** Every trader collects their whole share with their short code: the group completes. */
export async function collectAll(
  t: TestApp,
  order: DeliveredOrder & { pickups: TMyPickup[] },
): Promise<void> {
  for (const pickup of order.pickups) {
    const agent = order.agents[order.points.indexOf(pickup.pickupPoint.id)];
    const response = await send(t, "POST", "/api/v1/pickup/handovers", {
      headers: agent?.authorization ?? {},
      body: { code: pickup.shortCode },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
}

/**
 * A completed group: delivered and collected in full, so its supplier's payable (13 units at
 * 9.20 less 10%: 107.64, with the default shares) is releasable. The supplier is the seeded
 * one `buildGroup` uses: read balances before and after, not absolutely.
 */
export async function buildCompletedOrder(
  t: TestApp,
  shares?: Parameters<typeof buildFundedOrder>[1],
): Promise<DeliveredOrder & { pickups: TMyPickup[] }> {
  const order = await buildDeliveredOrder(t, shares);
  await collectAll(t, order);
  await t.drainOutbox();
  return order;
}
