import type { TPaymentMethod, TPaymentSession } from "@cs/contracts";
import { type DbOrTx, payments } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";

export type PaymentRow = typeof payments.$inferSelect;

/**
 * Records a pending payment for a participation at the group's current tier price, in the
 * caller's transaction, and cancels any earlier pending one for it (only one checkout is live).
 */
export async function createPendingPayment(
  tx: DbOrTx,
  ctx: AppContext,
  input: {
    participationId: string;
    traderId: string;
    groupId: string;
    quantity: number;
    unitPrice: number;
    currency: "USD" | "ZWG";
    method?: TPaymentMethod | undefined;
    /** A brand-new share has no earlier checkout to cancel. */
    fresh?: boolean;
  },
): Promise<PaymentRow> {
  if (!input.fresh) {
    await tx
      .update(payments)
      .set({ status: "cancelled", updatedAt: sql`now()` })
      .where(
        and(eq(payments.participationId, input.participationId), eq(payments.status, "pending")),
      );
  }
  const [payment] = await tx
    .insert(payments)
    .values({
      id: newId(),
      participationId: input.participationId,
      traderId: input.traderId,
      groupId: input.groupId,
      provider: ctx.payments.checkoutProvider,
      method: input.method ?? null,
      amount: input.quantity * input.unitPrice,
      currency: input.currency,
      unitPrice: input.unitPrice,
      status: "pending",
    })
    .returning();
  if (!payment) {
    throw new Error("insert returned no row");
  }
  return payment;
}

/** Where a checkout is opened from: for logs, and the address the trader should come back to. */
export interface CheckoutContext {
  log?: Logger;
  /** The origin the trader used (when PUBLIC_URL is not set), so they return to the same host. */
  origin?: string;
}

/**
 * Asks the provider for a checkout page for a pending payment (after the join committed: no
 * lock is held while a provider answers). On failure the payment stays pending without a page,
 * and the trader can ask again.
 */
export async function openCheckout(
  ctx: AppContext,
  payment: PaymentRow,
  description: string,
  via: CheckoutContext = {},
): Promise<PaymentRow> {
  const provider = ctx.payments.providers[payment.provider];
  if (!provider) {
    throw new Error(`payment provider ${payment.provider} is not configured`);
  }
  try {
    const { providerRef, checkoutUrl } = await provider.initCheckout({
      merchantReference: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      description,
      method: payment.method === "cash" ? undefined : (payment.method ?? undefined),
      returnUrl: `${via.origin ?? ctx.urls.public}/groups/${payment.groupId}?payment=${payment.id}`,
      webhookUrl: `${ctx.urls.internal}/api/v1/payments/webhooks/${provider.name}`,
    });
    const [updated] = await ctx.db
      .update(payments)
      .set({ providerRef, checkoutUrl, updatedAt: sql`now()` })
      .where(eq(payments.id, payment.id))
      .returning();
    return updated ?? payment;
  } catch (error) {
    via.log?.warn({ err: error, paymentId: payment.id }, "checkout could not be opened");
    return payment;
  }
}

export function presentPaymentSession(payment: PaymentRow, expiresAt: Date): TPaymentSession {
  return {
    paymentId: payment.id,
    provider: payment.provider,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    checkoutUrl: payment.status === "pending" ? payment.checkoutUrl : null,
    expiresAt: expiresAt.toISOString(),
  };
}
