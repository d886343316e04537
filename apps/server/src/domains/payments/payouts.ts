import {
  MOBILE_MONEY_BANK_CODE,
  type TCurrency,
  type TPayout,
  type TPayoutDestination,
  type TPayoutDestinationInput,
} from "@cs/contracts";
import {
  type DbOrTx,
  type PayoutDestinationCopy,
  payoutDestinations,
  payouts,
  queryRows,
  suppliers,
} from "@cs/db";
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { accounts, balance, post } from "./ledger.ts";

type PayoutRow = typeof payouts.$inferSelect;
type PayoutMethod = PayoutRow["method"];

export function presentPayout(row: PayoutRow, supplierName: string): TPayout {
  return {
    id: row.id,
    supplierId: row.supplierId,
    supplierName,
    currency: row.currency,
    amount: row.amount,
    method: row.method,
    status: row.status,
    destination: row.destination,
    providerRef: row.providerRef,
    lastError: row.lastError,
    needsConfirmation: row.status === "sent" && (row.method === "file" || row.providerRef === null),
    exportId: row.exportId,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    paidAt: row.paidAt?.toISOString() ?? null,
  };
}

/** The methods payouts can go out by here: a payout file always, Flutterwave when configured. */
export function payoutMethods(ctx: AppContext): PayoutMethod[] {
  return ctx.payments.flutterwave ? ["flutterwave", "file"] : ["file"];
}

// ---- Destinations -------------------------------------------------------------------------

export async function listDestinations(
  db: DbOrTx,
  supplierId: string,
): Promise<TPayoutDestination[]> {
  const rows = await db
    .select()
    .from(payoutDestinations)
    .where(eq(payoutDestinations.supplierId, supplierId))
    .orderBy(payoutDestinations.currency);
  return rows.map((row) => ({
    currency: row.currency,
    kind: row.kind,
    bankCode: row.bankCode,
    bankName: row.bankName,
    accountNumber: row.accountNumber,
    accountName: row.accountName,
    updatedAt: row.updatedAt.toISOString(),
  }));
}

/** Sets where the supplier is paid in a currency; payouts already made keep their own copy. */
export async function setDestination(
  ctx: AppContext,
  actor: Actor,
  supplierId: string,
  currency: TCurrency,
  input: TPayoutDestinationInput,
  requestId: string,
): Promise<TPayoutDestination> {
  const values = {
    kind: input.kind,
    bankCode: input.kind === "bank" ? input.bankCode : MOBILE_MONEY_BANK_CODE,
    bankName: input.bankName,
    accountNumber: input.accountNumber,
    accountName: input.accountName,
    updatedBy: actor.id,
    updatedAt: sql`now()`,
  };
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(payoutDestinations)
      .values({ supplierId, currency, ...values })
      .onConflictDoUpdate({
        target: [payoutDestinations.supplierId, payoutDestinations.currency],
        set: values,
      })
      .returning();
    if (!row) {
      throw new Error("payout destination not written");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "payout_destination.set",
      subjectType: "supplier",
      subjectId: supplierId,
      // The account number is the supplier's business detail, not a secret: kept for the audit.
      data: { currency, kind: row.kind, bankCode: row.bankCode, accountNumber: row.accountNumber },
      requestId,
    });
    return {
      currency: row.currency,
      kind: row.kind,
      bankCode: row.bankCode,
      bankName: row.bankName,
      accountNumber: row.accountNumber,
      accountName: row.accountName,
      updatedAt: row.updatedAt.toISOString(),
    };
  });
}

// ---- Balances -----------------------------------------------------------------------------

/** What a supplier may be paid now in a currency: the ledger's releasable balance (a credit). */
export async function availableForPayout(
  db: DbOrTx,
  supplierId: string,
  currency: TCurrency,
): Promise<number> {
  return -(await balance(db, accounts.supplierReleasable(supplierId), currency));
}

type BalanceRow = {
  supplier_id: string;
  business_name: string;
  currency: TCurrency;
  available: string;
  in_payout: string;
  paid_out: string;
  has_destination: boolean;
};

/**
 * Every supplier with money released, in payouts or paid out, per currency; `supplierId`
 * narrows it to one. The available figure is the ledger's own balance, so this page can never
 * offer more than the ledger holds.
 */
export async function payoutBalances(db: DbOrTx, supplierId?: string) {
  const only = supplierId ? sql`and s.id = ${supplierId}` : sql``;
  const rows = await queryRows<BalanceRow>(
    db,
    sql`with released as (
          select substr(account, length('supplier_releasable:') + 1)::uuid as supplier_id, currency,
            -sum(amount) as available
          from journal_lines where account like 'supplier_releasable:%' group by 1, 2),
        paid as (
          select supplier_id, currency,
            coalesce(sum(amount) filter (where status in ('pending', 'sent')), 0) as in_payout,
            coalesce(sum(amount) filter (where status = 'paid'), 0) as paid_out
          from payouts group by 1, 2)
        select s.id as supplier_id, s.business_name, k.currency,
          coalesce(r.available, 0)::text as available, coalesce(p.in_payout, 0)::text as in_payout,
          coalesce(p.paid_out, 0)::text as paid_out,
          exists (select 1 from payout_destinations d where d.supplier_id = s.id
                  and d.currency = k.currency) as has_destination
        from (select supplier_id, currency from released union select supplier_id, currency from paid) k
        join suppliers s on s.id = k.supplier_id
        left join released r on r.supplier_id = k.supplier_id and r.currency = k.currency
        left join paid p on p.supplier_id = k.supplier_id and p.currency = k.currency
        where true ${only}
        order by coalesce(r.available, 0) desc, s.business_name, k.currency
        limit 500`,
  );
  return rows.map((row) => ({
    supplierId: row.supplier_id,
    supplierName: row.business_name,
    currency: row.currency,
    available: Number(row.available),
    inPayout: Number(row.in_payout),
    paidOut: Number(row.paid_out),
    hasDestination: row.has_destination,
  }));
}

// ---- Creating a payout --------------------------------------------------------------------

/**
 * Takes a payout out of a supplier's releasable balance, in one transaction: the payout row (with
 * a copy of the account it goes to) and the ledger move from `supplier_releasable` to
 * `payouts_in_transit`. The supplier's balance is read under a transaction-level lock on that
 * supplier, so two admins paying out at once cannot both take the same money.
 */
export async function createPayout(
  ctx: AppContext,
  actor: Actor,
  input: { supplierId: string; currency: TCurrency; method: PayoutMethod; amount?: number },
  requestId: string,
): Promise<TPayout> {
  if (!payoutMethods(ctx).includes(input.method)) {
    throw new AppError(
      "payout_method_unavailable",
      "Flutterwave is not configured: use a payout file",
    );
  }
  if (input.method === "flutterwave" && input.currency !== "USD") {
    throw new AppError("payout_method_unavailable", "Flutterwave transfers here are in USD only");
  }
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`payout:${input.supplierId}`}))`);
    const [supplier] = await tx
      .select({ name: suppliers.businessName })
      .from(suppliers)
      .where(eq(suppliers.id, input.supplierId));
    if (!supplier) {
      throw new AppError("not_found", "No such supplier");
    }
    const [destination] = await tx
      .select()
      .from(payoutDestinations)
      .where(
        and(
          eq(payoutDestinations.supplierId, input.supplierId),
          eq(payoutDestinations.currency, input.currency),
        ),
      );
    if (!destination) {
      throw new AppError(
        "payout_destination_missing",
        `The supplier has no ${input.currency} payout account`,
      );
    }
    const available = await availableForPayout(tx, input.supplierId, input.currency);
    const amount = input.amount ?? available;
    if (amount <= 0 || amount > available) {
      throw new AppError(
        "payout_exceeds_balance",
        `Available for payout: ${available} (minor units, ${input.currency})`,
      );
    }
    const copy: PayoutDestinationCopy = {
      kind: destination.kind,
      bankCode: destination.bankCode,
      bankName: destination.bankName,
      accountNumber: destination.accountNumber,
      accountName: destination.accountName,
    };
    const id = newId();
    const [row] = await tx
      .insert(payouts)
      .values({
        id,
        supplierId: input.supplierId,
        currency: input.currency,
        amount,
        method: input.method,
        status: "pending",
        destination: copy,
        createdBy: actor.id,
      })
      .returning();
    await post(tx, {
      kind: "payout_created",
      referenceType: "payout",
      referenceId: id,
      currency: input.currency,
      lines: [
        { account: accounts.supplierReleasable(input.supplierId), amount },
        { account: accounts.payoutsInTransit, amount: -amount },
      ],
    });
    await audit(tx, {
      actorId: actor.id,
      action: "payout.created",
      subjectType: "payout",
      subjectId: id,
      data: {
        supplierId: input.supplierId,
        amount,
        currency: input.currency,
        method: input.method,
      },
      requestId,
    });
    return presentPayout(row as PayoutRow, supplier.name);
  });
}

// ---- Outcomes -----------------------------------------------------------------------------

/** The account a payout's money leaves from when it is confirmed. */
function paidFrom(payout: PayoutRow): string {
  return payout.method === "flutterwave"
    ? accounts.provider("flutterwave")
    : accounts.bankSettlement;
}

/**
 * Moves a payout that is still `pending` or `sent` to its outcome and posts the ledger entry
 * that goes with it, in the caller's transaction. Anything else is left as it is and false
 * returned, so an outcome delivered twice is applied once.
 */
async function settlePayout(
  tx: DbOrTx,
  payout: PayoutRow,
  outcome: {
    status: "paid" | "failed";
    set: PgUpdateSetSource<typeof payouts>;
    /** Where the money goes from `payouts_in_transit`. */
    to: string;
  },
): Promise<boolean> {
  const [moved] = await tx
    .update(payouts)
    .set({ ...outcome.set, status: outcome.status, updatedAt: sql`now()` })
    .where(and(eq(payouts.id, payout.id), sql`${payouts.status} in ('pending', 'sent')`))
    .returning({ id: payouts.id });
  if (!moved) {
    return false;
  }
  await post(tx, {
    kind: `payout_${outcome.status}`,
    referenceType: "payout",
    referenceId: payout.id,
    currency: payout.currency,
    lines: [
      { account: accounts.payoutsInTransit, amount: payout.amount },
      { account: outcome.to, amount: -payout.amount },
    ],
  });
  return true;
}

/**
 * The payout went through: `paid`, and the ledger moves it from in transit to the account it was
 * paid from (a transfer confirmed before our own record of sending it may still be `pending`).
 * Runs in the caller's transaction, with the payout locked; applied once.
 */
export async function markPayoutPaid(
  tx: DbOrTx,
  payout: PayoutRow,
  providerRef: string,
): Promise<boolean> {
  const moved = await settlePayout(tx, payout, {
    status: "paid",
    set: {
      providerRef,
      lastError: null,
      paidAt: sql`now()`,
      sentAt: sql`coalesce(${payouts.sentAt}, now())`,
    },
    to: paidFrom(payout),
  });
  if (moved) {
    await enqueue(tx, "notify", { kind: "payout_released", subjectId: payout.id });
  }
  return moved;
}

/**
 * The payout did not go through: `failed`, and the ledger gives the amount back to the
 * supplier's releasable balance, so it can be paid out again. Applied once, like `markPayoutPaid`.
 */
export function markPayoutFailed(tx: DbOrTx, payout: PayoutRow, reason: string) {
  return settlePayout(tx, payout, {
    status: "failed",
    set: { lastError: reason.slice(0, 1000) },
    to: accounts.supplierReleasable(payout.supplierId),
  });
}

export async function lockPayout(tx: DbOrTx, id: string): Promise<PayoutRow> {
  const [row] = await tx.select().from(payouts).where(eq(payouts.id, id)).for("update");
  if (!row) {
    throw new AppError("not_found", "No such payout");
  }
  return row;
}

async function supplierName(db: DbOrTx, supplierId: string): Promise<string> {
  const [row] = await db
    .select({ name: suppliers.businessName })
    .from(suppliers)
    .where(eq(suppliers.id, supplierId));
  return row?.name ?? "";
}

/**
 * An admin confirms a payout that needs a person: a line of a payout file the bank has paid (or
 * bounced), or a transfer whose answer was lost. Audit logged, with the bank's reference.
 */
export async function resolvePayout(
  ctx: AppContext,
  actor: Actor,
  payoutId: string,
  input: { outcome: "paid"; reference: string } | { outcome: "failed"; reason: string },
  requestId: string,
): Promise<TPayout> {
  return ctx.db.transaction(async (tx) => {
    const payout = await lockPayout(tx, payoutId);
    if (!presentPayout(payout, "").needsConfirmation) {
      throw new AppError(
        "invalid_transition",
        payout.status === "sent"
          ? "Flutterwave reports this transfer's outcome itself"
          : `A ${payout.status} payout cannot be confirmed`,
      );
    }
    if (input.outcome === "paid") {
      await markPayoutPaid(tx, payout, input.reference);
    } else {
      await markPayoutFailed(tx, payout, input.reason);
    }
    await tx.update(payouts).set({ resolvedBy: actor.id }).where(eq(payouts.id, payout.id));
    await audit(tx, {
      actorId: actor.id,
      action: `payout.${input.outcome}_confirmed`,
      subjectType: "payout",
      subjectId: payout.id,
      data: input.outcome === "paid" ? { reference: input.reference } : { reason: input.reason },
      requestId,
    });
    const [done] = await tx.select().from(payouts).where(eq(payouts.id, payout.id));
    return presentPayout(done ?? payout, await supplierName(tx, payout.supplierId));
  });
}

// ---- Reading ------------------------------------------------------------------------------

export async function listPayouts(
  db: DbOrTx,
  query: {
    status?: PayoutRow["status"] | undefined;
    supplierId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: TPayout[]; nextCursor: string | null }> {
  const filters: SQL[] = [];
  if (query.status) {
    filters.push(eq(payouts.status, query.status));
  }
  if (query.supplierId) {
    filters.push(eq(payouts.supplierId, query.supplierId));
  }
  if (query.cursor) {
    filters.push(lt(payouts.id, query.cursor));
  }
  const rows = await db
    .select({ payout: payouts, name: suppliers.businessName })
    .from(payouts)
    .innerJoin(suppliers, eq(suppliers.id, payouts.supplierId))
    .where(and(...filters))
    .orderBy(desc(payouts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => presentPayout(row.payout, row.name)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.payout.id ?? null) : null,
  };
}
