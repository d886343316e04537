import type { TPaymentMethod, TPaymentSession } from "@cs/contracts";
import { type DbOrTx, payments } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";

export type PaymentRow = typeof payments.$inferSelect;

export interface PendingPaymentInput {
  participationId: string;
  traderId: string;
  groupId: string;
  quantity: number;
  unitPrice: number;
  currency: "USD" | "ZWG";
  method?: TPaymentMethod | undefined;
}

/** The row of a new pending payment at the given unit price, through the checkout provider. */
export function pendingPaymentValues(ctx: AppContext, input: PendingPaymentInput) {
  return {
    id: newId(),
    participationId: input.participationId,
    traderId: input.traderId,
    groupId: input.groupId,
    provider: ctx.payments.checkoutProvider,
    method: input.method ?? null,
    amount: input.quantity * input.unitPrice,
    currency: input.currency,
    unitPrice: input.unitPrice,
    status: "pending" as const,
  };
}

/**
 * Records a pending payment for a participation at the group's current tier price, in the
 * caller's transaction, and cancels any earlier pending one for it (only one checkout is live).
 */
export async function createPendingPayment(
  tx: DbOrTx,
  ctx: AppContext,
  input: PendingPaymentInput,
): Promise<PaymentRow> {
  await tx
    .update(payments)
    .set({ status: "cancelled", updatedAt: sql`now()` })
    .where(
      and(eq(payments.participationId, input.participationId), eq(payments.status, "pending")),
    );
  const [payment] = await tx.insert(payments).values(pendingPaymentValues(ctx, input)).returning();
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
  const [opened] = await openCheckouts(ctx, [{ payment, description, via }]);
  return opened ?? payment;
}

/**
 * `openCheckout` for many payments at once (a batch of joins): one request to a provider that
 * takes batches (the embedded sandbox), concurrent requests otherwise, and one write of the
 * links. Answers in the order asked; a payment whose checkout failed comes back unchanged.
 */
export async function openCheckouts(
  ctx: AppContext,
  entries: readonly { payment: PaymentRow; description: string; via: CheckoutContext }[],
): Promise<PaymentRow[]> {
  const byProvider = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    const list = byProvider.get(entry.payment.provider) ?? [];
    list.push(i);
    byProvider.set(entry.payment.provider, list);
  });
  const opened: ({ providerRef: string; checkoutUrl: string } | null)[] = entries.map(() => null);
  for (const [name, indexes] of byProvider) {
    const provider = ctx.payments.providers[name];
    if (!provider) {
      throw new Error(`payment provider ${name} is not configured`);
    }
    const requests = indexes.map((i) => {
      const { payment, description, via } = entries[i] as (typeof entries)[number];
      return {
        merchantReference: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        description,
        method: payment.method === "cash" ? undefined : (payment.method ?? undefined),
        returnUrl: `${via.origin ?? ctx.urls.public}/groups/${payment.groupId}?payment=${payment.id}`,
        webhookUrl: `${ctx.urls.internal}/api/v1/payments/webhooks/${provider.name}`,
      };
    });
    const answers = provider.initCheckouts
      ? await provider.initCheckouts(requests).catch((error: unknown) => requests.map(() => error))
      : await Promise.all(
          requests.map((r) => provider.initCheckout(r).catch((error: unknown) => error)),
        );
    answers.forEach((answer, j) => {
      const i = indexes[j] as number;
      if (answer && typeof answer === "object" && "checkoutUrl" in answer) {
        opened[i] = answer as { providerRef: string; checkoutUrl: string };
      } else {
        entries[i]?.via.log?.warn(
          { err: answer, paymentId: entries[i]?.payment.id },
          "checkout could not be opened",
        );
      }
    });
  }
  const links = opened.flatMap((o, i) =>
    o ? [{ id: entries[i]?.payment.id, ref: o.providerRef, url: o.checkoutUrl }] : [],
  );
  if (links.length > 0) {
    await ctx.db.execute(sql`
      update payments p set provider_ref = v.ref, checkout_url = v.url, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(id uuid, ref text, url text)
      where p.id = v.id`);
  }
  return entries.map((e, i) => {
    const o = opened[i];
    return o ? { ...e.payment, providerRef: o.providerRef, checkoutUrl: o.checkoutUrl } : e.payment;
  });
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
