import type { TPaymentHistoryItem, TReceipt } from "@cs/contracts";
import { groups, participations, payments, refunds } from "@cs/db";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findGroup } from "../groups/repo.ts";
import { findUserById } from "../identity/repo.ts";
import { maskPhone, presentFailureReason } from "./checkout.ts";

type RefundRow = typeof refunds.$inferSelect;

/** A refund as its trader sees it. */
export function presentRefund(r: RefundRow) {
  return {
    id: r.id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

async function refundsOf(ctx: AppContext, paymentIds: string[]): Promise<Map<string, RefundRow[]>> {
  const rows =
    paymentIds.length === 0
      ? []
      : await ctx.db
          .select()
          .from(refunds)
          .where(inArray(refunds.paymentId, paymentIds))
          .orderBy(refunds.createdAt);
  const by = new Map<string, RefundRow[]>();
  for (const row of rows) {
    by.set(row.paymentId, [...(by.get(row.paymentId) ?? []), row]);
  }
  return by;
}

/**
 * The trader's payments, newest first, with what came back from each. Attempts that never got
 * as far as a provider (cancelled before a checkout opened) are left out: they are noise.
 */
export async function listMyPayments(
  ctx: AppContext,
  actor: Actor,
  query: { cursor?: string | undefined; limit: number },
): Promise<{ items: TPaymentHistoryItem[]; nextCursor: string | null }> {
  const rows = await ctx.db
    .select({ payment: payments, group: { id: groups.id, code: groups.code, title: groups.title } })
    .from(payments)
    .innerJoin(groups, eq(groups.id, payments.groupId))
    .where(
      and(
        eq(payments.traderId, actor.id),
        sql`not (${payments.status} = 'cancelled' and ${payments.providerRef} is null)`,
        query.cursor ? lt(payments.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(payments.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const back = await refundsOf(
    ctx,
    page.map((r) => r.payment.id),
  );
  return {
    items: page.map(({ payment: p, group }) => ({
      id: p.id,
      participationId: p.participationId,
      group,
      provider: p.provider,
      method: p.method,
      purpose: p.purpose,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      failureReason: p.status === "succeeded" ? null : presentFailureReason(p.failureReason),
      providerReceipt: p.providerReceipt,
      createdAt: p.createdAt.toISOString(),
      succeededAt: p.succeededAt?.toISOString() ?? null,
      refunds: (back.get(p.id) ?? []).map(presentRefund),
      hasReceipt: p.status === "succeeded",
    })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.payment.id ?? null) : null,
  };
}

/** CS-20260908-1a2b3c4d: the day it was paid (Harare) and the end of the payment id. */
function receiptNumber(paidAt: Date, paymentId: string): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Harare" })
    .format(paidAt)
    .replaceAll("-", "");
  return `CS-${day}-${paymentId.replaceAll("-", "").slice(-8)}`;
}

/** The receipt of one of the trader's succeeded payments; anything else is `not_found`. */
export async function receiptFor(
  ctx: AppContext,
  actor: Actor,
  paymentId: string,
): Promise<TReceipt> {
  const [row] = await ctx.db
    .select({ payment: payments, share: participations })
    .from(payments)
    .innerJoin(participations, eq(participations.id, payments.participationId))
    .where(eq(payments.id, paymentId));
  if (!row || row.payment.traderId !== actor.id || row.payment.status !== "succeeded") {
    throw new AppError("not_found", "No receipt for this payment");
  }
  const { payment, share } = row;
  const [group, trader, back] = await Promise.all([
    findGroup(ctx.db, payment.groupId),
    findUserById(ctx.db, actor.id),
    refundsOf(ctx, [payment.id]),
  ]);
  const given = back.get(payment.id) ?? [];
  const paidAt = payment.succeededAt ?? payment.updatedAt;
  return {
    receiptNumber: receiptNumber(paidAt, payment.id),
    paymentId: payment.id,
    paidAt: paidAt.toISOString(),
    trader: { name: trader?.name ?? "", phone: maskPhone(trader?.phone ?? null) ?? "" },
    group: { id: payment.groupId, code: group?.code ?? "", title: group?.title ?? "" },
    product: {
      name: group?.display.product.name ?? "",
      unit: group?.display.product.unit ?? "",
    },
    supplier: group?.display.supplier.name ?? "",
    quantity: share.quantity,
    unitPrice: payment.unitPrice,
    amount: payment.amount,
    currency: payment.currency,
    provider: payment.provider,
    method: payment.method,
    purpose: payment.purpose,
    providerReceipt: payment.providerReceipt,
    refunds: given.map(presentRefund),
    netAmount:
      payment.amount - given.filter((r) => r.status === "sent").reduce((s, r) => s + r.amount, 0),
  };
}
