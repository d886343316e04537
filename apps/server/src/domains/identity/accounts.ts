import type { TLanguage, TUser } from "@cs/contracts";
import { isUniqueViolation, users } from "@cs/db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { consumeOtp, issueOtp } from "./otp.ts";
import { assertStrongPassword, hashPassword, verifyDecoy, verifyPassword } from "./passwords.ts";
import { presentUser } from "./presenter.ts";
import { findUserById, findUserByPhone, lockUser } from "./repo.ts";
import { type IssuedSession, revokeAllSessions, startSession } from "./sessions.ts";

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;

/**
 * Registers a trader, queues the phone verification SMS and starts a session, in one
 * transaction. The phone is verified later with the code.
 */
export async function registerTrader(
  ctx: AppContext,
  input: {
    phone: string;
    name: string;
    email?: string | undefined;
    password: string;
    language: TLanguage;
  },
  requestId: string,
): Promise<IssuedSession> {
  assertStrongPassword(input.password);
  if (await findUserByPhone(ctx.db, input.phone)) {
    throw new AppError("phone_taken");
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          id: newId(),
          phone: input.phone,
          email: input.email ?? null,
          name: input.name,
          passwordHash,
          language: input.language,
          role: "trader",
        })
        .returning();
      if (!user) {
        throw new Error("insert returned no row");
      }
      await issueOtp(tx, ctx.config.otpSecret, user, "verify_phone");
      await audit(tx, {
        actorId: user.id,
        action: "user.registered",
        subjectType: "user",
        subjectId: user.id,
        requestId,
      });
      return startSession(ctx, tx, user);
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_phone_key")) {
      throw new AppError("phone_taken");
    }
    if (isUniqueViolation(error, "users_email_key")) {
      throw new AppError("email_taken");
    }
    throw error;
  }
}

/** Sends a fresh verification code (at most one a minute). */
export async function resendVerification(ctx: AppContext, actor: Actor): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const user = await lockUser(tx, actor.id);
    if (!user) {
      throw new AppError("token_invalid");
    }
    if (user.phoneVerifiedAt) {
      throw new AppError("phone_already_verified");
    }
    await issueOtp(tx, ctx.config.otpSecret, user, "verify_phone");
  });
}

/** Marks the phone verified when the code matches. */
export async function verifyPhone(
  ctx: AppContext,
  actor: Actor,
  code: string,
  requestId: string,
): Promise<TUser> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const user = await lockUser(tx, actor.id);
    if (!user) {
      return { error: new AppError("token_invalid") };
    }
    if (user.phoneVerifiedAt) {
      return { error: new AppError("phone_already_verified") };
    }
    const check = await consumeOtp(tx, ctx.config.otpSecret, user.id, "verify_phone", code);
    if (!check.ok) {
      // Returned, not thrown, so the failed attempt is counted when the transaction commits.
      return { error: check.error };
    }
    const [verified] = await tx
      .update(users)
      .set({ phoneVerifiedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(users.id, user.id))
      .returning();
    await audit(tx, {
      actorId: user.id,
      action: "user.phone_verified",
      subjectType: "user",
      subjectId: user.id,
      requestId,
    });
    return { user: verified ?? user };
  });
  if ("error" in outcome) {
    throw outcome.error;
  }
  return presentUser(outcome.user);
}

/**
 * Checks phone and password. Five wrong passwords in a row lock the account for 15 minutes; an
 * unknown phone costs as much time as a known one and gets the same answer.
 */
export async function login(
  ctx: AppContext,
  input: { phone: string; password: string },
  requestId: string,
): Promise<IssuedSession> {
  const user = await findUserByPhone(ctx.db, input.phone);
  if (!user || user.disabled) {
    await verifyDecoy(input.password);
    throw new AppError("invalid_credentials");
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    throw lockedError(user.lockedUntil);
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const [after] = await ctx.db
      .update(users)
      .set({
        failedLogins: sql`case when ${users.failedLogins} + 1 >= ${LOCK_AFTER_FAILURES} then 0 else ${users.failedLogins} + 1 end`,
        lockedUntil: sql`case when ${users.failedLogins} + 1 >= ${LOCK_AFTER_FAILURES}
          then now() + make_interval(mins => ${LOCK_MINUTES}) else ${users.lockedUntil} end`,
      })
      .where(eq(users.id, user.id))
      .returning({ lockedUntil: users.lockedUntil });
    if (after?.lockedUntil && after.lockedUntil.getTime() > Date.now()) {
      await audit(ctx.db, {
        actorId: null,
        action: "user.locked",
        subjectType: "user",
        subjectId: user.id,
        requestId,
      });
      throw lockedError(after.lockedUntil);
    }
    throw new AppError("invalid_credentials");
  }
  return ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
    await audit(tx, {
      actorId: user.id,
      action: "user.logged_in",
      subjectType: "user",
      subjectId: user.id,
      requestId,
    });
    return startSession(ctx, tx, user);
  });
}

function lockedError(until: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError("account_locked", `Try again in ${Math.ceil(seconds / 60)} minutes`, {
    headers: { "retry-after": String(seconds) },
  });
}

/**
 * Sends a reset code when the phone is registered. Answers the same either way, so the
 * endpoint does not tell who has an account.
 */
export async function requestPasswordReset(ctx: AppContext, phone: string): Promise<void> {
  const user = await findUserByPhone(ctx.db, phone);
  if (!user || user.disabled) {
    return;
  }
  try {
    await ctx.db.transaction((tx) => issueOtp(tx, ctx.config.otpSecret, user, "reset_password"));
  } catch (error) {
    if (!(error instanceof AppError && error.code === "otp_too_soon")) {
      throw error;
    }
  }
}

/** Sets a new password with a reset code; ends every session and lifts a lockout. */
export async function confirmPasswordReset(
  ctx: AppContext,
  input: { phone: string; code: string; password: string },
  requestId: string,
): Promise<void> {
  assertStrongPassword(input.password);
  // Hashed before the lookup so that known and unknown phones take the same time.
  const passwordHash = await hashPassword(input.password);
  const user = await findUserByPhone(ctx.db, input.phone);
  if (!user) {
    throw new AppError("otp_invalid");
  }
  const outcome = await ctx.db.transaction(async (tx) => {
    const check = await consumeOtp(tx, ctx.config.otpSecret, user.id, "reset_password", input.code);
    if (!check.ok) {
      return check.error;
    }
    await tx
      .update(users)
      .set({
        passwordHash,
        failedLogins: 0,
        lockedUntil: null,
        // Receiving the code proves the phone is theirs.
        phoneVerifiedAt: sql`coalesce(${users.phoneVerifiedAt}, now())`,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, user.id));
    await revokeAllSessions(tx, user.id, "password_reset");
    await audit(tx, {
      actorId: user.id,
      action: "user.password_reset",
      subjectType: "user",
      subjectId: user.id,
      requestId,
    });
    return null;
  });
  if (outcome) {
    throw outcome;
  }
}

/** The signed-in user. */
export async function getMe(ctx: AppContext, actor: Actor): Promise<TUser> {
  const user = await findUserById(ctx.db, actor.id);
  if (!user) {
    throw new AppError("token_invalid");
  }
  return presentUser(user);
}
