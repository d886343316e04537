import { users } from "@cs/db";
import { eq } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import { exportPayoutFile } from "../payments/payout-files.ts";
import {
  createPayout,
  payoutBalances,
  resolvePayout,
  setDestination,
} from "../payments/payouts.ts";
import { DEMO_LOGINS } from "./seed.ts";
import { actorOf } from "./seed-fulfilment.ts";

/**
 * Payouts in the demo, through the real services: the demo supplier's owner gives an EcoCash
 * wallet for US dollars; each supplier that completed groups has a bank account (set by the
 * admin), and the admin has already paid half of the first one's releasable money through a
 * payout file the bank confirmed. The rest waits on the admin's payout desk.
 */
export async function seedDemoPayouts(ctx: AppContext): Promise<void> {
  const [owner] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.supplier));
  const [admin] = await ctx.db.select().from(users).where(eq(users.phone, DEMO_LOGINS.admin));
  if (!owner || !admin) {
    return;
  }
  const [demoSupplier] = await supplierIdsOfUser(ctx.db, owner.id);
  if (demoSupplier) {
    await setDestination(
      ctx,
      actorOf(owner),
      demoSupplier,
      "USD",
      {
        kind: "mobile_money",
        bankName: "EcoCash",
        accountNumber: "263772000001",
        accountName: "Mbare Wholesale Foods",
      },
      "demo-seed",
    );
  }
  const owed = (await payoutBalances(ctx.db)).filter((b) => b.available > 0);
  for (const balance of owed.filter((b) => !b.hasDestination)) {
    await setDestination(
      ctx,
      actorOf(admin),
      balance.supplierId,
      balance.currency,
      {
        kind: "bank",
        bankCode: "CBZBZWHX",
        bankName: "CBZ Bank",
        accountNumber: "01120456780",
        accountName: balance.supplierName,
      },
      "demo-seed",
    );
  }
  const first = owed[0];
  const half = Math.floor((first?.available ?? 0) / 2);
  if (!first || half <= 0) {
    return;
  }
  const payout = await createPayout(
    ctx,
    actorOf(admin),
    { supplierId: first.supplierId, currency: first.currency, method: "file", amount: half },
    "demo-seed",
  );
  await exportPayoutFile(ctx, actorOf(admin), first.currency, "demo-seed");
  await resolvePayout(
    ctx,
    actorOf(admin),
    payout.id,
    { outcome: "paid", reference: "CBZ261130.1422.A81734" },
    "demo-seed",
  );
}
