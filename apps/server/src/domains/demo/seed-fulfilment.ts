import { pickupAgents, pickupCredentials, users } from "@cs/db";
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import {
  acceptOrder,
  createOrderForGroup,
  dispatchOrder,
  markOrderDelivered,
} from "../fulfilment/orders.ts";
import { secretsOf } from "../pickup/credentials.ts";
import { confirmHandover } from "../pickup/handover-batch.ts";
import { receiveDelivery } from "../pickup/receive.ts";
import { listDeliveries } from "../pickup/views.ts";
import { DEMO_LOGINS } from "./seed.ts";

/** How far past funding a demo group goes. */
export type FulfilmentStage = "pending" | "ordered" | "delivered" | "completed";

/** A demo user as the services see them when acting. */
export const actorOf = (user: typeof users.$inferSelect): Actor => ({
  id: user.id,
  role: user.role,
  staffRole: user.staffRole,
  phoneVerified: true,
  language: user.language,
});

/**
 * Takes funded demo groups through fulfilment with the real services: each gets its supplier
 * order; `ordered` ones are accepted and dispatched; `delivered` ones are checked in by the demo
 * pickup agent (credentials issued, a few handed over, one in part); `completed` ones are
 * collected in full (payable released, invoice issued). Every group here picks up at the demo
 * agent's point. The order of operations is fixed, so the demo is the same on every run.
 */
export async function seedDemoFulfilment(
  ctx: AppContext,
  groups: Array<{ id: string; stage: FulfilmentStage }>,
): Promise<void> {
  const [admin] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.admin));
  const [agent] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.pickupAgent));
  if (!admin || !agent) {
    return;
  }
  const [assignment] = await ctx.db
    .select()
    .from(pickupAgents)
    .where(eq(pickupAgents.userId, agent.id));
  const [demoTrader] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.phone, DEMO_LOGINS.trader));
  for (const { id, stage } of groups) {
    const orderId = await createOrderForGroup(ctx, id);
    if (!orderId || stage === "pending") {
      continue;
    }
    await acceptOrder(ctx, actorOf(admin), orderId, "2026-12-01", "demo-seed");
    await dispatchOrder(
      ctx,
      actorOf(admin),
      orderId,
      "Truck AEZ 4471, driver Tonderai",
      "demo-seed",
    );
    if (stage === "ordered" || !assignment) {
      continue;
    }
    await markOrderDelivered(ctx, actorOf(admin), orderId, "demo-seed");
    const [drop] = await listDeliveries(ctx.db, assignment.pickupPointId, orderId);
    await receiveDelivery(
      ctx,
      actorOf(agent),
      orderId,
      { receivedQty: drop?.quantity ?? 0, condition: "good", notes: "Counted at the gate" },
      "demo-seed",
    );
    const credentials = await ctx.db
      .select()
      .from(pickupCredentials)
      .where(and(eq(pickupCredentials.groupId, id), eq(pickupCredentials.status, "live")))
      .orderBy(asc(pickupCredentials.quantity), asc(pickupCredentials.traderId));
    // Delivered: about a third collected, one in part; the demo trader's share stays due.
    const handOver =
      stage === "completed"
        ? credentials
        : credentials
            .filter((c) => c.traderId !== demoTrader?.id)
            .slice(0, Math.ceil(credentials.length / 3));
    const partialId = stage === "delivered" ? handOver.find((c) => c.quantity > 1)?.id : undefined;
    for (const credential of handOver) {
      const partial = credential.id === partialId;
      const code = secretsOf(ctx, credential).shortCode as string;
      await confirmHandover(ctx, {
        actor: actorOf(agent),
        proof: { code },
        quantity: partial ? 1 : undefined,
        cashAmount: undefined,
      });
    }
  }
}
