import type { TExchangeRate } from "@cs/contracts";
import { type DbOrTx, exchangeRates } from "@cs/db";
import { desc } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { forgetZwgRate } from "../groups/repo.ts";

const MICROS = 1_000_000n;

/** "26.85" → 26_850_000 (millionths), exactly: decimal strings never pass through a float. */
export function rateToMicros(rate: string): number {
  const [whole = "0", fraction = ""] = rate.split(".");
  const micros = BigInt(whole) * MICROS + BigInt(fraction.padEnd(6, "0"));
  return Number(micros);
}

/** 26_850_000 → "26.85". */
export function microsToRate(micros: number): string {
  const value = BigInt(micros);
  const fraction = (value % MICROS).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${value / MICROS}.${fraction}` : `${value / MICROS}`;
}

type RateRow = typeof exchangeRates.$inferSelect;

function present(row: RateRow): TExchangeRate & { setBy: string | null } {
  return {
    base: "USD",
    quote: "ZWG",
    rate: microsToRate(row.rateMicros),
    setAt: row.createdAt.toISOString(),
    setBy: row.setBy,
  };
}

/** Records a new USD→ZWG rate; the history keeps every earlier one. */
export async function setExchangeRate(
  ctx: AppContext,
  actor: Actor,
  rate: string,
  requestId: string,
) {
  const rateMicros = rateToMicros(rate);
  const saved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(exchangeRates)
      .values({ id: newId(), base: "USD", quote: "ZWG", rateMicros, setBy: actor.id })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "exchange_rate.set",
      subjectType: "exchange_rate",
      subjectId: row.id,
      data: { rate },
      requestId,
    });
    return present(row);
  });
  // After commit, so no request can cache the old rate again in between.
  forgetZwgRate();
  return saved;
}

export async function rateHistory(db: DbOrTx, limit = 100) {
  const rows = await db
    .select()
    .from(exchangeRates)
    .orderBy(desc(exchangeRates.createdAt))
    .limit(limit);
  return rows.map(present);
}
