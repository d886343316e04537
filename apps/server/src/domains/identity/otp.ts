import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { TLanguage } from "@cs/contracts";
import { type DbOrTx, otpCodes } from "@cs/db";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { type OtpPurpose, otpMessage } from "./messages.ts";

export const OTP_TTL_SECONDS = 600;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_RESEND_SECONDS = 60;

function hmac(secret: string, userId: string, purpose: OtpPurpose, code: string): string {
  return createHmac("sha256", secret).update(`${userId}:${purpose}:${code}`).digest("base64url");
}

/**
 * Creates a 6-digit code and queues its SMS, in the caller's transaction. Refuses with
 * `otp_too_soon` when a code for the same purpose was sent less than a minute ago.
 */
export async function issueOtp(
  tx: DbOrTx,
  secret: string,
  user: { id: string; phone: string; language: TLanguage },
  purpose: OtpPurpose,
): Promise<void> {
  const [recent] = await tx
    .select({ id: otpCodes.id })
    .from(otpCodes)
    .where(
      and(
        eq(otpCodes.userId, user.id),
        eq(otpCodes.purpose, purpose),
        sql`${otpCodes.createdAt} > now() - make_interval(secs => ${OTP_RESEND_SECONDS})`,
      ),
    )
    .limit(1);
  if (recent) {
    throw new AppError("otp_too_soon", undefined, {
      headers: { "retry-after": String(OTP_RESEND_SECONDS) },
    });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  // Only the newest code is valid: older unused ones are closed.
  await tx
    .update(otpCodes)
    .set({ consumedAt: sql`now()` })
    .where(
      and(eq(otpCodes.userId, user.id), eq(otpCodes.purpose, purpose), isNull(otpCodes.consumedAt)),
    );
  await tx.insert(otpCodes).values({
    id: newId(),
    userId: user.id,
    purpose,
    codeHash: hmac(secret, user.id, purpose, code),
    expiresAt: sql`now() + make_interval(secs => ${OTP_TTL_SECONDS})`,
  });
  await enqueue(tx, "sms.send", {
    to: user.phone,
    body: otpMessage(purpose, user.language, code),
    purpose,
  });
}

/**
 * Checks a code against the newest open one. A wrong code counts an attempt (that write is kept
 * even though the request fails); after five, the code is dead. On success the code is consumed
 * in the caller's transaction.
 */
export async function consumeOtp(
  db: DbOrTx,
  secret: string,
  userId: string,
  purpose: OtpPurpose,
  code: string,
): Promise<{ ok: true } | { ok: false; error: AppError }> {
  const [open] = await db
    .select({
      id: otpCodes.id,
      codeHash: otpCodes.codeHash,
      attempts: otpCodes.attempts,
      expired: sql<boolean>`${otpCodes.expiresAt} <= now()`,
    })
    .from(otpCodes)
    .where(
      and(eq(otpCodes.userId, userId), eq(otpCodes.purpose, purpose), isNull(otpCodes.consumedAt)),
    )
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
    .for("update");
  if (!open) {
    return {
      ok: false,
      error: new AppError("otp_invalid", "No code is waiting; ask for a new one"),
    };
  }
  if (open.expired) {
    return { ok: false, error: new AppError("otp_expired") };
  }
  if (open.attempts >= OTP_MAX_ATTEMPTS) {
    return { ok: false, error: new AppError("otp_attempts_exceeded") };
  }
  const expected = Buffer.from(open.codeHash);
  const given = Buffer.from(hmac(secret, userId, purpose, code));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    await db
      .update(otpCodes)
      .set({ attempts: sql`${otpCodes.attempts} + 1` })
      .where(eq(otpCodes.id, open.id));
    const left = OTP_MAX_ATTEMPTS - open.attempts - 1;
    return {
      ok: false,
      error:
        left > 0
          ? new AppError("otp_invalid", `Wrong code; ${left} attempts left`)
          : new AppError("otp_attempts_exceeded"),
    };
  }
  await db.update(otpCodes).set({ consumedAt: sql`now()` }).where(eq(otpCodes.id, open.id));
  return { ok: true };
}
