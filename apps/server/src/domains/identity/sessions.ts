import type { TSession } from "@cs/contracts";
import { type Database, type DbOrTx, refreshTokens } from "@cs/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { hashToken, newOpaqueToken } from "../../platform/auth/tokens.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { presentUser } from "./presenter.ts";
import { findUserById, type UserRow } from "./repo.ts";

export interface IssuedSession {
  session: TSession;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** Inserts a refresh token (a new family unless one is given) and signs an access token. */
async function issue(
  ctx: AppContext,
  tx: DbOrTx,
  user: UserRow,
  familyId: string = newId(),
): Promise<IssuedSession> {
  const { token, hash } = newOpaqueToken();
  const refreshExpiresAt = new Date(Date.now() + ctx.config.refreshTokenTtlDays * 86_400_000);
  await tx.insert(refreshTokens).values({
    id: newId(),
    userId: user.id,
    familyId,
    tokenHash: hash,
    expiresAt: refreshExpiresAt,
  });
  return {
    session: {
      accessToken: await ctx.tokens.sign(user.id),
      expiresIn: ctx.tokens.ttlSeconds,
      user: presentUser(user),
    },
    refreshToken: token,
    refreshExpiresAt,
  };
}

/** Starts a new session (a new refresh-token family) for a signed-in user. */
export function startSession(ctx: AppContext, tx: DbOrTx, user: UserRow): Promise<IssuedSession> {
  return issue(ctx, tx, user);
}

/**
 * Trades a refresh token for a new one in the same family. A token that was already rotated or
 * revoked is a replay: the whole family is revoked (whoever holds the newer token is signed out
 * too), and the caller gets `refresh_token_reused`.
 */
export async function rotateSession(ctx: AppContext, presented: string): Promise<IssuedSession> {
  type Outcome =
    | { error: "refresh_token_invalid" | "refresh_token_reused" }
    | { issued: IssuedSession };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(presented)))
      .for("update");
    if (!row) {
      return { error: "refresh_token_invalid" as const };
    }
    if (row.rotatedAt || row.revokedAt) {
      await revokeFamily(tx, row.familyId, "reuse_detected");
      return { error: "refresh_token_reused" as const };
    }
    if (row.expiresAt.getTime() <= Date.now()) {
      return { error: "refresh_token_invalid" as const };
    }
    const user = await findUserById(tx, row.userId);
    if (!user || user.disabled) {
      return { error: "refresh_token_invalid" as const };
    }
    await tx
      .update(refreshTokens)
      .set({ rotatedAt: sql`now()` })
      .where(eq(refreshTokens.id, row.id));
    return { issued: await issue(ctx, tx, user, row.familyId) };
  });
  if ("error" in outcome) {
    throw new AppError(outcome.error);
  }
  return outcome.issued;
}

/** Ends the session a refresh token belongs to (logout). Unknown tokens are ignored. */
export async function endSession(db: Database, presented: string): Promise<void> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(presented)));
  if (row) {
    await revokeFamily(db, row.familyId, "logout");
  }
}

async function revokeFamily(db: DbOrTx, familyId: string, reason: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Signs the user out everywhere (after a password reset). */
export async function revokeAllSessions(db: DbOrTx, userId: string, reason: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}
