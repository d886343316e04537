import type { TAdminRefund } from "@cs/contracts";
import { type DbOrTx, payments, refunds } from "@cs/db";
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { postRefundSent } from "./refunds.ts";

type Row = { refund: typeof refunds.$inferSelect; payment: typeof payments.$inferSelect };

function presentAdminRefund({ refund, payment }: Row): TAdminRefund {
  return {
    id: refund.id,
    paymentId: refund.paymentId,
    participationId: refund.participationId,
    traderId: refund.traderId,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    status: refund.status,
    provider: payment.provider,
    method: payment.method,
    phone: payment.phone,
    attempts: refund.attempts,
    lastError: refund.lastError,
    providerRef: refund.providerRef,
    resolvedBy: refund.resolvedBy,
    resolvedAt: refund.resolvedAt?.toISOString() ?? null,
    resolutionNote: refund.resolutionNote,
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
  };
}

/** Refunds for admins, newest first; `status=manual` is the queue of refunds to send by hand. */
export async function listRefunds(
  ctx: AppContext,
  query: {
    status?: TAdminRefund["status"] | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: TAdminRefund[]; nextCursor: string | null }> {
  const filters: SQL[] = [];
  if (query.status) {
    filters.push(eq(refunds.status, query.status));
  }
  if (query.cursor) {
    filters.push(lt(refunds.id, query.cursor));
  }
  const rows = await ctx.db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(...filters))
    .orderBy(desc(refunds.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(presentAdminRefund),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.refund.id ?? null) : null,
  };
}

async function lockRefund(tx: DbOrTx, id: string) {
  const [row] = await tx
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(eq(refunds.id, id))
    .for("update", { of: refunds });
  if (!row) {
    throw new AppError("not_found", "No such refund");
  }
  return row;
}

/**
 * An admin sent a refund by hand (the provider has no refund API, or the automatic one gave up):
 * it becomes `sent` with their reference, the ledger records the money leaving, the audit log
 * who did it. Only a refund waiting for a person (`manual`) can be completed so.
 */
export async function completeManualRefund(
  ctx: AppContext,
  actor: Actor,
  refundId: string,
  input: { reference: string; note?: string | undefined },
  requestId: string,
): Promise<TAdminRefund> {
  return ctx.db.transaction(async (tx) => {
    const { refund, payment } = await lockRefund(tx, refundId);
    if (refund.status !== "manual") {
      throw new AppError(
        "invalid_transition",
        `A ${refund.status} refund is not waiting for an admin`,
      );
    }
    const [done] = await tx
      .update(refunds)
      .set({
        status: "sent",
        providerRef: input.reference,
        resolvedBy: actor.id,
        resolvedAt: sql`now()`,
        resolutionNote: input.note ?? null,
        updatedAt: sql`now()`,
      })
      .where(eq(refunds.id, refund.id))
      .returning();
    await postRefundSent(tx, {
      id: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      provider: payment.provider,
      trader_id: refund.traderId,
    });
    await audit(tx, {
      actorId: actor.id,
      action: "refund.sent_manually",
      subjectType: "refund",
      subjectId: refund.id,
      data: { reference: input.reference, note: input.note ?? null, amount: refund.amount },
      requestId,
    });
    return presentAdminRefund({ refund: done ?? refund, payment });
  });
}

/** Puts a `manual` or `failed` refund back in the automatic queue, with a fresh count of attempts. */
export async function retryRefund(
  ctx: AppContext,
  actor: Actor,
  refundId: string,
  requestId: string,
): Promise<TAdminRefund> {
  return ctx.db.transaction(async (tx) => {
    const { refund, payment } = await lockRefund(tx, refundId);
    if (refund.status !== "manual" && refund.status !== "failed") {
      throw new AppError("invalid_transition", `A ${refund.status} refund cannot be retried`);
    }
    const [queued] = await tx
      .update(refunds)
      .set({ status: "failed", attempts: 0, nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(refunds.id, refund.id))
      .returning();
    await audit(tx, {
      actorId: actor.id,
      action: "refund.retried",
      subjectType: "refund",
      subjectId: refund.id,
      data: { previousStatus: refund.status, lastError: refund.lastError },
      requestId,
    });
    await enqueue(tx, "realtime.user", { userId: refund.traderId, kind: "refund", id: refund.id });
    return presentAdminRefund({ refund: queued ?? refund, payment });
  });
}
