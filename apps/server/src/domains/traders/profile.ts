import type { TTraderProfile } from "@cs/contracts";
import { type DbOrTx, readByIds, traderProfiles } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { unknownCategories, unknownMarkets } from "../catalog/service.ts";

type ProfileRow = typeof traderProfiles.$inferSelect;
export type ProfileInput = Omit<ProfileRow, "userId" | "updatedAt">;

function presentProfile(row: ProfileRow): TTraderProfile {
  return {
    categories: row.categories,
    budgetMin: row.budgetMin,
    budgetMax: row.budgetMax,
    budgetCurrency: row.budgetCurrency,
    marketId: row.marketId,
    groupSizes: row.groupSizes,
    purchaseFrequency: row.purchaseFrequency,
    businessType: row.businessType,
    experienceYears: row.experienceYears,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The trader's onboarding preferences, or null before onboarding. */
export async function getProfile(db: DbOrTx, actor: Actor): Promise<TTraderProfile | null> {
  const [row] = await db.select().from(traderProfiles).where(eq(traderProfiles.userId, actor.id));
  return row ? presentProfile(row) : null;
}

/** The preferences of several traders in one statement, by trader (absent before onboarding). */
export async function getProfiles(
  db: DbOrTx,
  traderIds: readonly string[],
): Promise<Map<string, TTraderProfile>> {
  const rows = await readByIds(traderIds, (anyOf) =>
    db.select().from(traderProfiles).where(sql`${traderProfiles.userId} = any(${anyOf})`),
  );
  return new Map(rows.map((row) => [row.userId, presentProfile(row)]));
}

/** Creates or replaces the preferences after checking the market and categories exist. */
export async function saveProfile(
  ctx: AppContext,
  actor: Actor,
  input: ProfileInput,
): Promise<TTraderProfile> {
  const categories = [...new Set(input.categories)];
  const errors = [
    ...(await unknownMarkets(ctx.db, [input.marketId])).map(() => ({
      path: "marketId",
      message: "Unknown market",
      code: "unknown_reference",
    })),
    ...(await unknownCategories(ctx.db, categories)).map((id) => ({
      path: "categories",
      message: `Unknown category: ${id}`,
      code: "unknown_reference",
    })),
  ];
  if (errors.length > 0) {
    throw new AppError("unknown_reference", errors[0]?.message, { errors });
  }
  const values = {
    ...input,
    categories,
    groupSizes: [...new Set(input.groupSizes)],
    userId: actor.id,
  };
  const [row] = await ctx.db
    .insert(traderProfiles)
    .values(values)
    .onConflictDoUpdate({
      target: traderProfiles.userId,
      set: { ...values, updatedAt: sql`now()` },
    })
    .returning();
  if (!row) {
    throw new Error("upsert returned no row");
  }
  return presentProfile(row);
}
