import {
  BUSINESS_TYPES,
  GROUP_SIZES,
  PURCHASE_FREQUENCIES,
  type TRole,
  type TStaffRole,
} from "@cs/contracts";
import {
  categories,
  type Database,
  markets,
  pickupAgents,
  pickupPoints,
  products,
  productTiers,
  supplierMembers,
  suppliers,
  traderProfiles,
  users,
} from "@cs/db";
import { sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { hashPassword } from "../identity/passwords.ts";
import { claimQueuedRun } from "../recommendations/repo.ts";
import { requestTraining, trainModel } from "../recommendations/train.ts";
import { CATEGORIES, FIRST_NAMES, MARKETS, PICKUP_POINTS, SUPPLIERS, SURNAMES } from "./harare.ts";
import { createRandom, type Random } from "./random.ts";
import { seedDemoGroups } from "./seed-groups.ts";
import { seedDemoHistory } from "./seed-history.ts";

export const DEMO_PASSWORD = "Demo2026!";
export const DEMO_TRADER_COUNT = 300;

/** The fixed demo logins printed at start and listed in the README. */
export const DEMO_LOGINS = {
  trader: "+263771000001",
  supplier: "+263772000001",
  pickupAgent: "+263773000001",
  admin: "+263774000001",
} as const;

type UserInsert = typeof users.$inferInsert;

/**
 * Seeds the demo world unless the database already has markets: Harare's people and catalogue,
 * then group buys in every state through the real services. Returns what it did.
 */
export async function seedIfEmpty(
  ctx: AppContext,
  seed: number,
): Promise<{ seed: number; traders: number; groups: number } | null> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(markets);
  if (Number(row?.n ?? 0) > 0) {
    return null;
  }
  await seedDemo(ctx.db, seed);
  const groupCount = await seedDemoGroups(ctx, seed);
  await seedDemoHistory(ctx, seed);
  // A first model now, so the demo trader's first page already has recommendations.
  await requestTraining(ctx, null);
  const run = await claimQueuedRun(ctx.db);
  if (run) {
    await trainModel(ctx, run);
  }
  return { seed, traders: DEMO_TRADER_COUNT + 1, groups: groupCount };
}

/**
 * Builds a believable Harare in one transaction: markets, pickup points, categories, suppliers
 * with teams and products, one user of every role and a few hundred traders with preferences.
 * Everything but the password hash is a function of `seed`.
 */
export async function seedDemo(db: Database, seed: number): Promise<void> {
  const random = createRandom(seed);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const verified = new Date("2026-01-15T08:00:00Z");
  const person = (
    phone: string,
    name: string,
    role: TRole,
    staffRole: TStaffRole | null,
    language: "en" | "sn" | "nd",
  ): UserInsert => ({
    id: random.uuid(),
    phone,
    name,
    passwordHash,
    role,
    staffRole,
    language,
    phoneVerifiedAt: verified,
  });

  await db.transaction(async (tx) => {
    await tx.insert(markets).values([...MARKETS]);
    await tx.insert(categories).values(CATEGORIES.map((c) => ({ id: c.id, name: { ...c.name } })));
    const points = PICKUP_POINTS.map((p) => ({
      id: random.uuid(),
      marketId: p.market,
      name: p.name,
      address: p.address,
      hours: p.hours,
    }));
    await tx.insert(pickupPoints).values(points);

    const staff: UserInsert[] = [
      person(DEMO_LOGINS.supplier, "Farai Chikwanha", "supplier", "owner", "en"),
      person("+263772000002", "Rudo Marufu", "supplier", "manager", "sn"),
      person("+263772000003", "Themba Ncube", "supplier", "staff", "nd"),
      person(DEMO_LOGINS.pickupAgent, "Kudzai Gumbo", "pickup_agent", null, "sn"),
      person(DEMO_LOGINS.admin, "Nyasha Mutasa", "admin", "superadmin", "en"),
      person("+263774000002", "Sipho Dube", "admin", "moderator", "nd"),
      person("+263774000003", "Chiedza Hove", "admin", "analyst", "en"),
    ];
    const supplierRows = SUPPLIERS.map((s, index) => ({
      id: random.uuid(),
      businessName: s.name,
      verificationStatus: index < 6 ? ("verified" as const) : ("pending" as const),
      contactPhone: `+2637720001${String(index).padStart(2, "0")}`,
      contactEmail: `orders@${s.name.toLowerCase().replace(/[^a-z]+/g, "")}.co.zw`,
      marketId: s.market,
      address: s.address,
    }));
    // The other suppliers' owners, so every supplier has a team.
    const otherOwners = supplierRows
      .slice(1)
      .map((_supplier, index) =>
        person(
          `+26377200${String(10 + index).padStart(4, "0")}`,
          `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)}`,
          "supplier",
          "owner",
          "en",
        ),
      );
    await tx.insert(users).values([...staff, ...otherOwners]);
    await tx.insert(suppliers).values(supplierRows);
    const [first] = supplierRows;
    await tx.insert(supplierMembers).values([
      ...staff
        .filter((u) => u.role === "supplier")
        .map((u) => ({ supplierId: first?.id as string, userId: u.id as string })),
      ...otherOwners.map((u, index) => ({
        supplierId: supplierRows[index + 1]?.id as string,
        userId: u.id as string,
      })),
    ]);
    await tx
      .insert(pickupAgents)
      .values({ userId: staff[3]?.id as string, pickupPointId: points[0]?.id as string });
    // Same draws in the same order as before tiers existed, so every id stays what it was.
    const catalogue = SUPPLIERS.flatMap((s, index) =>
      s.products.map((p) => ({
        row: {
          id: random.uuid(),
          supplierId: supplierRows[index]?.id as string,
          categoryId: p.category,
          name: p.name,
          description: p.description,
          unit: p.unit,
          currency: "USD" as const,
          unitPrice: p.price,
          stock: random.int(40, 400),
        },
        tiers: p.tiers,
      })),
    );
    await tx.insert(products).values(catalogue.map((product) => product.row));
    await tx
      .insert(productTiers)
      .values(
        catalogue.flatMap(({ row, tiers }) =>
          tiers.map(([minQty, unitPrice]) => ({ productId: row.id, minQty, unitPrice })),
        ),
      );

    const traders = [
      person(DEMO_LOGINS.trader, "Tendai Moyo", "trader", null, "sn"),
      ...Array.from({ length: DEMO_TRADER_COUNT }, (_, i) =>
        person(
          `+26377${String(9_000_000 + i * 37).padStart(7, "0")}`,
          `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)}`,
          "trader",
          null,
          random.pick(["en", "sn", "sn", "nd"] as const),
        ),
      ),
    ];
    for (let i = 0; i < traders.length; i += 100) {
      await tx.insert(users).values(traders.slice(i, i + 100));
    }
    const profiles = traders.map((t, i) => ({
      userId: t.id as string,
      ...traderPreferences(random, i === 0),
    }));
    for (let i = 0; i < profiles.length; i += 100) {
      await tx.insert(traderProfiles).values(profiles.slice(i, i + 100));
    }
  });
}

/** Preferences that hang together: a market stall buys food staples weekly, and so on. */
function traderPreferences(random: Random, demo: boolean) {
  if (demo) {
    return {
      categories: ["maize-meal", "cooking-oil", "tomatoes"],
      budgetMin: 5_000,
      budgetMax: 30_000,
      budgetCurrency: "USD" as const,
      marketId: "mbare-musika",
      groupSizes: ["medium", "large"] as Array<"small" | "medium" | "large">,
      purchaseFrequency: "weekly" as const,
      businessType: "market_stall" as const,
      experienceYears: 6,
    };
  }
  const businessType = random.pick(BUSINESS_TYPES);
  const staples = ["maize-meal", "cooking-oil", "sugar", "rice", "flour", "beans"];
  const fresh = ["tomatoes", "onions", "vegetables"];
  const pool =
    businessType === "restaurant"
      ? [...staples, ...fresh, "drinks"]
      : businessType === "hawker"
        ? [...fresh, "drinks", "clothing-bales"]
        : businessType === "tuck_shop"
          ? [...staples, "soap", "drinks"]
          : [...staples, ...fresh, "soap", "clothing-bales", "drinks"];
  const budgetMin = random.int(1, 20) * 1_000;
  return {
    categories: random.sample(pool, random.int(1, 4)),
    budgetMin,
    budgetMax: budgetMin + random.int(1, 30) * 1_000,
    budgetCurrency: "USD" as const,
    marketId: random.pick(MARKETS).id,
    groupSizes: random.sample(GROUP_SIZES, random.int(1, 2)),
    purchaseFrequency: random.pick(PURCHASE_FREQUENCIES),
    businessType,
    experienceYears: random.int(0, 25),
  };
}
