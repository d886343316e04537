import type { TCurrency } from "@cs/contracts";
import { type DbOrTx, journalEntries, journalLines, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import { newId } from "../../platform/ids.ts";

/**
 * Account names. Balances are signed sums of lines: money held at a provider is a positive
 * (debit) balance; what we owe (escrow, refunds due, supplier payable, our revenue) is negative.
 */
export const accounts = {
  provider: (name: string) => `provider:${name}`,
  escrow: (groupId: string) => `escrow:${groupId}`,
  /** Cash a funded group is owed by traders paying at pickup (debit until collected). */
  cashReceivable: (groupId: string) => `cash_receivable:${groupId}`,
  /** Cash held at a pickup point, recorded by its agents at handover. */
  cash: (pickupPointId: string) => `cash:${pickupPointId}`,
  refundsPayable: "refunds_payable",
  /** Owed to a supplier for funded groups, held until the group is completed. */
  supplierPayable: (supplierId: string) => `supplier_payable:${supplierId}`,
  /** Owed to a supplier for completed groups: may be paid out. */
  supplierReleasable: (supplierId: string) => `supplier_releasable:${supplierId}`,
  /** Paid out of a supplier's releasable balance, not yet confirmed by the provider or the bank. */
  payoutsInTransit: "payouts_in_transit",
  /**
   * Our bank account, that payout files are paid from. It goes negative by what was paid from it
   * until the providers' settlements into it are booked.
   */
  bankSettlement: "bank:settlement",
  revenue: "platform:revenue",
} as const;

export interface JournalLine {
  account: string;
  amount: number;
}

export class UnbalancedEntryError extends Error {}

/** An entry's non-zero lines; throws unless they are integers that sum to zero. */
function checkedLines(entry: { kind: string; lines: JournalLine[] }): JournalLine[] {
  const lines = entry.lines.filter((line) => line.amount !== 0);
  if (lines.some((line) => !Number.isSafeInteger(line.amount))) {
    throw new UnbalancedEntryError(`${entry.kind}: amounts must be integers in minor units`);
  }
  if (lines.reduce((sum, line) => sum + line.amount, 0) !== 0) {
    throw new UnbalancedEntryError(`${entry.kind}: lines do not sum to zero`);
  }
  return lines;
}

/**
 * Posts one balanced journal entry in the caller's transaction. Refuses an entry whose lines do
 * not sum to zero, or with a non-integer amount. The (kind, reference) pair is unique, so posting
 * the same event twice fails instead of moving money twice; returns false in that case.
 */
export async function post(
  tx: DbOrTx,
  entry: {
    kind: string;
    referenceType: string;
    referenceId: string;
    currency: TCurrency;
    lines: JournalLine[];
    memo?: string;
  },
): Promise<boolean> {
  const lines = checkedLines(entry);
  if (lines.length === 0) {
    return false;
  }
  const id = newId();
  const inserted = await tx
    .insert(journalEntries)
    .values({
      id,
      kind: entry.kind,
      referenceType: entry.referenceType,
      referenceId: entry.referenceId,
      memo: entry.memo ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: journalEntries.id });
  if (inserted.length === 0) {
    return false;
  }
  await tx.insert(journalLines).values(
    lines.map((line) => ({
      entryId: id,
      account: line.account,
      currency: entry.currency,
      amount: line.amount,
    })),
  );
  return true;
}

export interface JournalEntryInput {
  kind: string;
  referenceType: string;
  referenceId: string;
  currency: TCurrency;
  lines: JournalLine[];
}

/**
 * Posts many balanced entries in one statement, with `post`'s checks on each (a batch of
 * captures, say). An entry whose (kind, reference) is already posted is skipped: returns the
 * references that were posted now.
 */
export async function postMany(
  tx: DbOrTx,
  entries: readonly JournalEntryInput[],
): Promise<Set<string>> {
  const heads: Array<{ id: string; kind: string; type: string; ref: string }> = [];
  const lines: Array<{ entry: string; account: string; currency: string; amount: number }> = [];
  for (const entry of entries) {
    const kept = checkedLines(entry);
    if (kept.length === 0) {
      continue;
    }
    const id = newId();
    heads.push({ id, kind: entry.kind, type: entry.referenceType, ref: entry.referenceId });
    for (const line of kept) {
      lines.push({
        entry: id,
        account: line.account,
        currency: entry.currency,
        amount: line.amount,
      });
    }
  }
  if (heads.length === 0) {
    return new Set();
  }
  const posted = await queryRows<{ ref: string }>(
    tx,
    sql`with posted as (
          insert into journal_entries (id, kind, reference_type, reference_id)
          select id, kind, type, ref
          from jsonb_to_recordset(${JSON.stringify(heads)}::jsonb)
            as h(id uuid, kind text, type text, ref text)
          on conflict do nothing
          returning id, reference_id
        ), written as (
          insert into journal_lines (entry_id, account, currency, amount)
          select l.entry, l.account, l.currency, l.amount
          from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
            as l(entry uuid, account text, currency text, amount bigint)
          join posted on posted.id = l.entry
        )
        select reference_id as ref from posted`,
  );
  return new Set(posted.map((row) => row.ref));
}

/** An account's balance per currency (signed minor units). */
export async function balance(db: DbOrTx, account: string, currency: TCurrency): Promise<number> {
  const [row] = await queryRows<{ total: string | null }>(
    db,
    sql`select sum(amount)::text as total from journal_lines where account = ${account} and currency = ${currency}`,
  );
  return Number(row?.total ?? 0);
}

/** Journal entries whose lines do not sum to zero per currency: must always be empty. */
export async function unbalancedEntries(
  db: DbOrTx,
): Promise<Array<{ entryId: string; currency: string; total: string }>> {
  return queryRows(
    db,
    sql`select entry_id as "entryId", currency, sum(amount)::text as total
        from journal_lines group by entry_id, currency having sum(amount) <> 0`,
  );
}

/** Platform commission on a gross amount, in basis points, rounded half up to the minor unit. */
export function commission(gross: number, basisPoints: number): number {
  return Math.floor((gross * basisPoints + 5_000) / 10_000);
}
