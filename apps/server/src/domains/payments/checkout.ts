import {
  type ErrorCode,
  PAYMENT_FAILURE_REASONS,
  type TCheckoutMethod,
  type TPaymentFailureReason,
  type TPaymentSession,
} from "@cs/contracts";
import { type DbOrTx, payments, uuidArray } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { holdCashShares } from "./cash-hold.ts";
import { CheckoutRefusedError } from "./providers/errors.ts";
import { providerFor } from "./providers/registry.ts";
import type { CheckoutPage, CheckoutRequest } from "./providers/types.ts";

export type PaymentRow = typeof payments.$inferSelect;

/** A payment as a checkout left it: `checkoutError` when none could be opened just now. */
export type OpenedPayment = PaymentRow & {
  checkoutError?: { code: ErrorCode; detail: string } | null;
};

export interface PendingPaymentInput {
  participationId: string;
  traderId: string;
  groupId: string;
  quantity: number;
  unitPrice: number;
  currency: "USD" | "ZWG";
  method?: TCheckoutMethod | undefined;
  /** The mobile-money number to ask for approval (E.164). */
  phone?: string | undefined;
}

/** The row of a new pending payment at the given unit price, through the method's provider. */
export function pendingPaymentValues(ctx: AppContext, input: PendingPaymentInput) {
  return {
    id: newId(),
    participationId: input.participationId,
    traderId: input.traderId,
    groupId: input.groupId,
    provider: input.method === "cash" ? "cash" : providerFor(ctx.payments, input.method),
    method: input.method ?? null,
    phone: input.phone ?? null,
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

export interface CheckoutEntry {
  payment: PaymentRow;
  description: string;
  via: CheckoutContext;
  /** For a share paid in cash: the mobile-money method of its deposit. */
  depositMethod?: "ecocash" | "onemoney" | undefined;
}

/**
 * Asks the provider for a checkout for a pending payment (after the join committed: no lock is
 * held while a provider answers). A provider that cannot be reached leaves the payment pending
 * without a page (`checkoutError`), and the trader can ask again; a provider that turns the
 * payment down (insufficient balance) fails it with the reason.
 */
export async function openCheckout(
  ctx: AppContext,
  payment: PaymentRow,
  description: string,
  via: CheckoutContext = {},
  depositMethod?: CheckoutEntry["depositMethod"],
): Promise<OpenedPayment> {
  const [opened] = await openCheckouts(ctx, [{ payment, description, via, depositMethod }]);
  return opened ?? payment;
}

/** Where a provider sends status updates: the sandbox calls this very process. */
function callbackUrl(ctx: AppContext, provider: string): string {
  const base =
    provider === "sandbox"
      ? ctx.urls.internal
      : (ctx.config.payments.callbackBaseUrl ?? ctx.config.publicUrl ?? ctx.urls.internal);
  return `${base.replace(/\/$/, "")}/api/v1/payments/webhooks/${provider}`;
}

type Answer =
  | { kind: "page"; page: CheckoutPage }
  | { kind: "refused"; reason: TPaymentFailureReason; detail: string }
  | { kind: "unavailable"; detail: string };

function answerOf(result: unknown): Answer {
  if (result && typeof result === "object" && "providerRef" in result) {
    return { kind: "page", page: result as CheckoutPage };
  }
  if (result instanceof CheckoutRefusedError) {
    return { kind: "refused", reason: result.reason, detail: result.message };
  }
  return {
    kind: "unavailable",
    detail: result instanceof Error ? result.message : "the provider did not answer",
  };
}

/**
 * `openCheckout` for many payments at once (a batch of joins): one request to a provider that
 * takes batches (the embedded sandbox), concurrent requests otherwise, and one write of the
 * links. Answers in the order asked.
 */
export async function openCheckouts(
  ctx: AppContext,
  asked: readonly CheckoutEntry[],
): Promise<OpenedPayment[]> {
  const held = await holdCashShares(ctx, asked);
  const results: OpenedPayment[] = held.map((h) => ("payment" in h ? h.payment : h));
  const byProvider = new Map<string, number[]>();
  held.forEach((entry, i) => {
    if ("payment" in entry) {
      const list = byProvider.get(entry.payment.provider) ?? [];
      list.push(i);
      byProvider.set(entry.payment.provider, list);
    }
  });
  const answers = new Map<number, Answer>();
  for (const [name, indexes] of byProvider) {
    const provider = ctx.payments.providers[name];
    if (!provider) {
      throw new Error(`payment provider ${name} is not configured`);
    }
    const entries = indexes.map((i) => held[i] as CheckoutEntry);
    const requests: CheckoutRequest[] = entries.map(({ payment, description, via }) => ({
      merchantReference: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      description,
      method: payment.method === "cash" ? undefined : (payment.method ?? undefined),
      phone: payment.phone ?? undefined,
      returnUrl: `${via.origin ?? ctx.urls.public}/groups/${payment.groupId}?payment=${payment.id}`,
      webhookUrl: callbackUrl(ctx, provider.name),
    }));
    const settled = provider.initCheckouts
      ? await provider.initCheckouts(requests).catch((error: unknown) => requests.map(() => error))
      : await Promise.all(
          requests.map((r) => provider.initCheckout(r).catch((error: unknown) => error)),
        );
    settled.forEach((result, j) => {
      const i = indexes[j] as number;
      const answer = answerOf(result);
      answers.set(i, answer);
      if (answer.kind !== "page") {
        entries[j]?.via.log?.warn(
          { err: result, paymentId: entries[j]?.payment.id, provider: name },
          "checkout could not be opened",
        );
      }
    });
  }
  await recordAnswers(ctx, results, answers);
  return results.map((payment, i) => {
    const answer = answers.get(i);
    if (!answer) {
      return payment;
    }
    if (answer.kind === "page") {
      return {
        ...payment,
        providerRef: answer.page.providerRef,
        checkoutUrl: answer.page.checkoutUrl,
        instructions: answer.page.instructions ?? null,
      };
    }
    if (answer.kind === "refused") {
      return { ...payment, status: "failed" as const, failureReason: answer.reason };
    }
    return { ...payment, checkoutError: { code: "provider_unavailable", detail: answer.detail } };
  });
}

/** One write for the opened checkouts, one for the refused ones (failed, with the reason). */
async function recordAnswers(
  ctx: AppContext,
  payments: readonly PaymentRow[],
  answers: Map<number, Answer>,
): Promise<void> {
  const links: Array<{ id: string; ref: string; url: string | null; hint: string | null }> = [];
  const refused: Array<{ id: string; reason: string }> = [];
  for (const [i, answer] of answers) {
    const id = payments[i]?.id as string;
    if (answer.kind === "page") {
      links.push({
        id,
        ref: answer.page.providerRef,
        url: answer.page.checkoutUrl,
        hint: answer.page.instructions ?? null,
      });
    } else if (answer.kind === "refused") {
      refused.push({ id, reason: answer.reason });
    }
  }
  if (links.length > 0) {
    await ctx.db.execute(sql`
      update payments p set provider_ref = v.ref, checkout_url = v.url, instructions = v.hint,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(links)}::jsonb)
        as v(id uuid, ref text, url text, hint text)
      where p.id = v.id and p.id = any(${uuidArray(links.map((l) => l.id))})`);
  }
  if (refused.length > 0) {
    await ctx.db.execute(sql`
      update payments p set status = 'failed', failure_reason = v.reason, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(refused)}::jsonb) as v(id uuid, reason text)
      where p.id = v.id and p.id = any(${uuidArray(refused.map((r) => r.id))})
        and p.status = 'pending'`);
  }
}

/** 077****111: enough for the trader to recognise their number, not enough to collect it. */
export function maskPhone(e164: string | null): string | null {
  if (!e164) {
    return null;
  }
  const local = e164.startsWith("+263") ? `0${e164.slice(4)}` : e164;
  return `${local.slice(0, 3)}****${local.slice(-3)}`;
}

/** A stored failure reason as the trader's message key (older rows say declined/expired). */
export function presentFailureReason(reason: string | null): TPaymentFailureReason | null {
  if (!reason) {
    return null;
  }
  return (PAYMENT_FAILURE_REASONS as readonly string[]).includes(reason)
    ? (reason as TPaymentFailureReason)
    : "declined";
}

export function presentPaymentSession(payment: OpenedPayment, expiresAt: Date): TPaymentSession {
  const pending = payment.status === "pending";
  return {
    paymentId: payment.id,
    provider: payment.provider,
    method: payment.method,
    purpose: payment.purpose,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    checkoutUrl: pending ? payment.checkoutUrl : null,
    instructions: pending ? payment.instructions : null,
    phone: maskPhone(payment.phone),
    failureReason:
      payment.status === "succeeded" ? null : presentFailureReason(payment.failureReason),
    checkoutError: payment.checkoutError ?? null,
    expiresAt: expiresAt.toISOString(),
  };
}
