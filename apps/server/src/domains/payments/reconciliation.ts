import type { TMismatch } from "@cs/contracts";
import {
  type DbOrTx,
  payments,
  queryRows,
  reconciliationMismatches,
  reconciliationRuns,
} from "@cs/db";
import { eq, type SQL, sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { harareDay } from "./cash.ts";
import type { PaymentRow } from "./checkout.ts";

export type RunRow = typeof reconciliationRuns.$inferSelect;

/** A finding before it is stored; `about` names what it concerns (fingerprint). */
export interface Finding {
  provider: string;
  kind: TMismatch["kind"];
  about: string;
  paymentId?: string | null;
  providerRef?: string | null;
  currency?: "USD" | "ZWG" | null;
  expectedAmount?: number | null;
  actualAmount?: number | null;
  detail: string;
}

/** Opens a run; for a daily one, null when that day has a run already (another worker, a restart). */
export async function openRun(
  db: DbOrTx,
  run: { source: RunRow["source"]; day?: string; provider?: string; startedBy?: string },
): Promise<RunRow | null> {
  const [row] = await db
    .insert(reconciliationRuns)
    .values({
      id: newId(),
      source: run.source,
      day: run.day ?? null,
      provider: run.provider ?? null,
      startedBy: run.startedBy ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/**
 * Stores the findings of a run; one already listed (same kind, same payment or reference) is not
 * listed again, so a daily run does not repeat yesterday's open findings. Closes the run.
 */
export async function closeRun(
  db: DbOrTx,
  run: RunRow,
  checked: number,
  findings: Finding[],
): Promise<RunRow> {
  let added = 0;
  for (const f of findings) {
    const inserted = await db
      .insert(reconciliationMismatches)
      .values({
        id: newId(),
        runId: run.id,
        provider: f.provider,
        kind: f.kind,
        paymentId: f.paymentId ?? null,
        providerRef: f.providerRef ?? null,
        currency: f.currency ?? null,
        expectedAmount: f.expectedAmount ?? null,
        actualAmount: f.actualAmount ?? null,
        detail: f.detail,
        fingerprint: `${f.kind}:${f.provider}:${f.about}`,
      })
      .onConflictDoNothing()
      .returning({ id: reconciliationMismatches.id });
    added += inserted.length;
  }
  const [closed] = await db
    .update(reconciliationRuns)
    .set({ checked, mismatches: added, finishedAt: sql`now()` })
    .where(eq(reconciliationRuns.id, run.id))
    .returning();
  if (added > 0) {
    await enqueue(db, "notify", { kind: "reconciliation_mismatch", subjectId: run.id });
  }
  return closed ?? run;
}

/** Payments started between two Harare days (inclusive) through a provider we can ask. */
const inWindow = (from: string, to: string, column: SQL = sql`${payments.createdAt}`) =>
  sql`(${column} at time zone 'Africa/Harare')::date between ${from}::date and ${to}::date`;

/**
 * What our own books disagree on: a succeeded payment without its capture in the ledger (or
 * captured for another amount), and a share charged twice.
 */
async function ledgerFindings(db: DbOrTx, from: string, to: string): Promise<Finding[]> {
  const captures = await queryRows<{
    id: string;
    provider: string;
    currency: "USD" | "ZWG";
    amount: number;
    captured: string | null;
    entries: number;
  }>(
    db,
    sql`select p.id, p.provider, p.currency, p.amount::int as amount,
          sum(l.amount) filter (where l.account = 'provider:' || p.provider or l.account like 'cash:%')::text as captured,
          count(distinct e.id)::int as entries
        from payments p
        left join journal_entries e on e.reference_type = 'payment' and e.reference_id = p.id::text
          and e.kind in ('payment_captured', 'cash_collected')
        left join journal_lines l on l.entry_id = e.id
        where p.status = 'succeeded' and ${inWindow(from, to, sql`p.created_at`)}
        group by p.id`,
  );
  const findings: Finding[] = captures.flatMap((row): Finding[] => {
    if (row.entries === 0) {
      return [
        {
          provider: row.provider,
          kind: "missing_in_ledger",
          about: row.id,
          paymentId: row.id,
          currency: row.currency,
          expectedAmount: row.amount,
          actualAmount: null,
          detail: "Succeeded payment with no capture in the ledger",
        },
      ];
    }
    const captured = Number(row.captured ?? 0);
    return captured === row.amount
      ? []
      : [
          {
            provider: row.provider,
            kind: "amount_mismatch",
            about: `ledger:${row.id}`,
            paymentId: row.id,
            currency: row.currency,
            expectedAmount: row.amount,
            actualAmount: captured,
            detail: "The ledger captured another amount than the payment's",
          },
        ];
  });
  const doubles = await queryRows<{
    participation_id: string;
    provider: string;
    currency: "USD" | "ZWG";
    ids: string[];
    total: string;
  }>(
    db,
    sql`select p.participation_id, min(p.provider) as provider, min(p.currency) as currency,
          array_agg(p.id::text order by p.created_at, p.id) as ids, sum(p.amount)::text as total
        from payments p
        where p.status = 'succeeded' and p.purpose = 'share' and ${inWindow(from, to, sql`p.created_at`)}
        group by p.participation_id having count(*) > 1`,
  );
  for (const row of doubles) {
    findings.push({
      provider: row.provider,
      kind: "duplicated",
      about: `share:${row.participation_id}`,
      paymentId: row.ids.at(-1) ?? null,
      currency: row.currency,
      actualAmount: Number(row.total),
      detail: `One share paid ${row.ids.length} times: ${row.ids.join(", ")}`,
    });
  }
  return findings;
}

/** What one provider says of one payment, against what we hold. */
async function providerFinding(ctx: AppContext, payment: PaymentRow): Promise<Finding | null> {
  const provider = ctx.payments.providers[payment.provider];
  if (!provider || !payment.providerRef) {
    return null;
  }
  const theirs = await provider.verify(payment.providerRef, { currency: payment.currency });
  const base = {
    provider: payment.provider,
    about: payment.id,
    paymentId: payment.id,
    providerRef: payment.providerRef,
    currency: payment.currency,
    expectedAmount: payment.amount,
  };
  const paidThere = theirs.status === "paid";
  if (payment.status === "succeeded" && !paidThere) {
    return {
      ...base,
      kind: "missing_at_provider",
      actualAmount: theirs.found === false ? null : theirs.amount,
      detail: `We counted it as paid; ${payment.provider} says ${theirs.found === false ? "it has no such transaction" : theirs.status}`,
    };
  }
  if (payment.status !== "succeeded" && paidThere) {
    return {
      ...base,
      kind: "missing_in_ledger",
      actualAmount: theirs.amount,
      detail: `${payment.provider} took the money; our payment is ${payment.status}`,
    };
  }
  if (paidThere && (theirs.amount !== payment.amount || theirs.currency !== payment.currency)) {
    return {
      ...base,
      kind: "amount_mismatch",
      actualAmount: theirs.amount,
      detail: `${payment.provider} holds ${theirs.amount} ${theirs.currency}`,
    };
  }
  return null;
}

/**
 * Compares the payments started between two days with the ledger and with each provider
 * (asked one by one, a few at a time): missing on either side, duplicated, amount mismatch.
 * Pending payments are the poll job's; a provider that does not answer is skipped and logged.
 */
export async function reconcile(
  ctx: AppContext,
  run: RunRow,
  window: { from: string; to: string },
  log?: Logger,
): Promise<RunRow> {
  const findings = await ledgerFindings(ctx.db, window.from, window.to);
  const settled = await ctx.db
    .select()
    .from(payments)
    .where(
      sql`${payments.status} <> 'pending' and ${payments.providerRef} is not null and ${payments.provider} <> 'cash' and ${inWindow(window.from, window.to)}`,
    );
  let checked = 0;
  const queue = [...settled];
  const worker = async () => {
    for (let payment = queue.shift(); payment; payment = queue.shift()) {
      try {
        const finding = await providerFinding(ctx, payment);
        checked += 1;
        if (finding) {
          findings.push(finding);
        }
      } catch (error) {
        log?.warn(
          { err: error, paymentId: payment.id },
          "reconciliation could not ask the provider",
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return closeRun(ctx.db, run, checked, findings);
}

/** The daily job: reconciles yesterday (Africa/Harare) once, whichever worker gets there first. */
export async function reconcileYesterday(ctx: AppContext, log?: Logger): Promise<number> {
  const day = harareDay(new Date(Date.now() - 86_400_000));
  const run = await openRun(ctx.db, { source: "daily", day });
  if (run) {
    const done = await reconcile(ctx, run, { from: day, to: day }, log);
    log?.info({ day, checked: done.checked, mismatches: done.mismatches }, "reconciled");
  }
  // Nothing more to do until tomorrow, whatever happened.
  return 0;
}

/** A run an admin started (by hand, or a statement), audit logged. */
export async function openRunByHand(
  ctx: AppContext,
  actor: Actor,
  run: { source: "manual" | "statement"; provider?: string },
  data: Record<string, unknown>,
  requestId: string,
): Promise<RunRow> {
  const opened = await openRun(ctx.db, { ...run, startedBy: actor.id });
  if (!opened) {
    throw new Error("reconciliation run not opened");
  }
  await audit(ctx.db, {
    actorId: actor.id,
    action: run.source === "manual" ? "reconciliation.run" : "reconciliation.statement_imported",
    subjectType: "reconciliation_run",
    subjectId: opened.id,
    data: { ...run, ...data },
    requestId,
  });
  return opened;
}

/** An admin asks for a run now, over the days they name (default: yesterday). */
export async function reconcileNow(
  ctx: AppContext,
  actor: Actor,
  window: { from?: string | undefined; to?: string | undefined },
  requestId: string,
): Promise<RunRow> {
  const from = window.from ?? harareDay(new Date(Date.now() - 86_400_000));
  const to = window.to ?? from;
  if (to < from) {
    throw new AppError("validation_failed", "to is before from", {
      errors: [{ path: "to", message: "must not be before from" }],
    });
  }
  const run = await openRunByHand(ctx, actor, { source: "manual" }, { from, to }, requestId);
  return reconcile(ctx, run, { from, to });
}
