import { groups, pickupPoints, products, suppliers, users } from "@cs/db";
import { asc, eq, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { cancelGroup, closeGroupIfDue, markRefundedGroups } from "../groups/close-group.ts";
import { createGroup } from "../groups/create-group.ts";
import { joinGroup } from "../groups/join-group.ts";
import { applyProviderTransaction } from "../payments/apply-payment.ts";
import { setExchangeRate } from "../payments/exchange-rates.ts";
import { processDueRefunds } from "../payments/refunds.ts";
import { createRandom } from "./random.ts";
import { DEMO_LOGINS } from "./seed.ts";
import { type FulfilmentStage, seedDemoFulfilment } from "./seed-fulfilment.ts";
import { seedDemoPayouts } from "./seed-payouts.ts";

const HOUR = 3_600_000;

/**
 * Group buys in every state the platform has so far, made through the real services (joins,
 * sandbox payments, closing at the deadline, refunds), so the demo ledger is as consistent as a
 * real one: open groups at every stage of progress, funded, expired and refunded, cancelled, and
 * a draft, and past funding: orders waiting for their supplier, ordered, delivered to the demo
 * agent's depot with pickup codes (the demo trader's among them), and completed. Which traders
 * join what, and how much, follows `seed`; ids and times are of the run.
 */
export async function seedDemoGroups(app: AppContext, seed: number): Promise<number> {
  // Demo money never goes near a real provider, whatever PAYMENT_ROUTES says.
  const sandbox = "sandbox";
  const ctx: AppContext = {
    ...app,
    payments: {
      ...app.payments,
      routes: { ecocash: sandbox, onemoney: sandbox, card: sandbox, default: sandbox },
      checkoutProvider: sandbox,
    },
  };
  const random = createRandom(seed + 1);
  const [admin] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.admin));
  if (!admin) {
    return 0;
  }
  const actor: Actor = {
    id: admin.id,
    role: "admin",
    staffRole: "superadmin",
    phoneVerified: true,
    language: "en",
  };
  // A ZiG rate, so the app shows prices in both currencies from the start.
  await setExchangeRate(ctx, actor, "26.85", "demo-seed");
  const traderRows = await ctx.db
    .select({ id: users.id, phone: users.phone })
    .from(users)
    .where(eq(users.role, "trader"))
    .orderBy(asc(users.phone))
    .limit(120);
  const traders = traderRows.filter((t) => t.phone !== DEMO_LOGINS.trader);
  const demoTrader = traderRows.find((t) => t.phone === DEMO_LOGINS.trader);
  const catalogue = await ctx.db
    .select({
      id: products.id,
      price: products.unitPrice,
      supplierId: products.supplierId,
      marketId: suppliers.marketId,
    })
    .from(products)
    .innerJoin(suppliers, eq(suppliers.id, products.supplierId))
    .orderBy(asc(products.name));
  const points = await ctx.db.select().from(pickupPoints).orderBy(asc(pickupPoints.name));
  const pointsNear = (marketId: string | null) => {
    const near = points.filter((p) => p.marketId === marketId);
    return (near.length > 0 ? near : points).slice(0, 2).map((p) => p.id);
  };

  // [hours to deadline, share of MOQ paid, share of MOQ reserved, fate]
  type Fate = "open" | "funded" | "expired" | "cancelled" | "draft" | FulfilmentStage;
  const plans: Array<[number, number, number, Fate]> = [
    [2, 0.9, 0.1, "open"],
    [5, 0.6, 0.1, "open"],
    [20, 0.3, 0.05, "open"],
    [30, 1.2, 0, "open"],
    [48, 0.15, 0.05, "open"],
    [6, 0.75, 0, "open"],
    [70, 0.05, 0, "open"],
    [12, 0.45, 0.1, "open"],
    [96, 0, 0, "open"],
    [26, 1.5, 0.1, "open"],
    [40, 0.5, 0, "open"],
    [8, 0.95, 0, "open"],
    [1, 1.1, 0, "funded"],
    [1, 1.3, 0, "funded"],
    [1, 0.4, 0, "expired"],
    [1, 0, 0.1, "expired"],
    [50, 0, 0.1, "cancelled"],
    [100, 0, 0, "draft"],
    // After funding, picked up at the demo agent's depot (Mbare suppliers' groups).
    [1, 1.2, 0, "ordered"],
    [1, 1.1, 0, "delivered"],
    [1, 1.4, 0, "completed"],
  ];
  const mbare = catalogue.filter((p) => p.marketId === "mbare-musika");
  const fulfilment: Array<{ id: string; stage: FulfilmentStage }> = [];
  let made = 0;
  let traderIndex = 0;
  for (const [index, [hours, paidShare, heldShare, fate]] of plans.entries()) {
    const after = fate === "ordered" || fate === "delivered" || fate === "completed";
    const product = after ? mbare[index % mbare.length] : catalogue[(index * 5) % catalogue.length];
    if (!product) {
      break;
    }
    const moq = random.pick([10, 20, 30, 40, 50]);
    const tiers = [
      { minQty: 1, unitPrice: product.price },
      { minQty: Math.ceil(moq / 2), unitPrice: Math.round(product.price * 0.95) },
      { minQty: moq, unitPrice: Math.round(product.price * 0.9) },
      { minQty: moq * 2, unitPrice: Math.round(product.price * 0.85) },
    ];
    const group = await createGroup(
      ctx,
      actor,
      {
        productId: product.id,
        moq,
        cap: moq * 3,
        minPerTrader: 1,
        maxPerTrader: Math.max(5, Math.ceil(moq / 2)),
        deadline: new Date(Date.now() + hours * HOUR).toISOString(),
        pickupPointIds: pointsNear(product.marketId),
        tiers,
        open: fate !== "draft",
      },
      "demo-seed",
    );
    made += 1;
    const join = async (quantity: number, pay: boolean, who?: { id: string }) => {
      const trader = who ?? traders[traderIndex++ % traders.length];
      if (!trader) {
        return;
      }
      const traderActor: Actor = {
        id: trader.id,
        role: "trader",
        staffRole: null,
        phoneVerified: true,
        language: "sn",
      };
      const joined = await joinGroup(ctx, traderActor, group.id, {
        quantity,
        method: random.pick(["ecocash", "ecocash", "onemoney", "card"] as const),
      });
      const ref = joined.payment.checkoutUrl?.split("/").pop();
      if (pay && ref) {
        await ctx.payments.sandbox.decide(ref, { approve: true, method: "ecocash" });
        await applyProviderTransaction(ctx, "sandbox", await ctx.payments.sandbox.verify(ref));
      }
    };
    if (fate !== "draft") {
      for (let paid = 0, target = Math.round(moq * paidShare); paid < target; ) {
        const quantity = Math.min(target - paid, random.int(1, Math.max(1, Math.ceil(moq / 6))));
        await join(quantity, true);
        paid += quantity;
      }
      if (fate === "delivered" && demoTrader) {
        // The demo trader has a share to collect, so their pickup code shows in the app.
        await join(2, true, demoTrader);
      }
      for (let held = 0, target = Math.round(moq * heldShare); held < target; ) {
        const quantity = Math.min(target - held, random.int(1, 3));
        await join(quantity, false);
        held += quantity;
      }
    }
    if (fate === "funded" || fate === "expired" || after) {
      await ctx.db
        .update(groups)
        .set({ deadline: sql`now() - make_interval(hours => ${random.int(2, 72)})` })
        .where(eq(groups.id, group.id));
      await closeGroupIfDue(ctx, group.id);
      if (fate !== "expired") {
        fulfilment.push({ id: group.id, stage: fate === "funded" ? "pending" : fate });
      }
    }
    if (fate === "cancelled") {
      await cancelGroup(ctx, actor, group.id, "The supplier ran out of stock", "demo-seed");
    }
  }
  await seedDemoFulfilment(ctx, fulfilment);
  await seedDemoPayouts(ctx);
  while ((await processDueRefunds(ctx)) > 0) {
    // send every refund the closed groups owe
  }
  await markRefundedGroups(ctx);
  return made;
}
