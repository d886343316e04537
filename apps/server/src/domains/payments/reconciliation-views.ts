import type { TMismatch, TReconciliationRun } from "@cs/contracts";
import { type DbOrTx, reconciliationMismatches, reconciliationRuns } from "@cs/db";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import type { RunRow } from "./reconciliation.ts";

export function presentRun(run: RunRow): TReconciliationRun {
  return {
    id: run.id,
    day: run.day,
    source: run.source,
    provider: run.provider,
    checked: run.checked,
    mismatches: run.mismatches,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** Recent runs, newest first. */
export async function listRuns(db: DbOrTx, limit = 30): Promise<TReconciliationRun[]> {
  const rows = await db
    .select()
    .from(reconciliationRuns)
    .orderBy(desc(reconciliationRuns.startedAt))
    .limit(limit);
  return rows.map(presentRun);
}

type MismatchRow = typeof reconciliationMismatches.$inferSelect;

function presentMismatch(row: MismatchRow): TMismatch {
  return {
    id: row.id,
    runId: row.runId,
    provider: row.provider,
    kind: row.kind,
    paymentId: row.paymentId,
    providerRef: row.providerRef,
    currency: row.currency,
    expectedAmount: row.expectedAmount,
    actualAmount: row.actualAmount,
    detail: row.detail,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolutionNote: row.resolutionNote,
  };
}

/** Findings for admins, newest first. */
export async function listMismatches(
  db: DbOrTx,
  query: {
    status: "open" | "resolved";
    kind?: TMismatch["kind"] | undefined;
    provider?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: TMismatch[]; nextCursor: string | null }> {
  const m = reconciliationMismatches;
  const rows = await db
    .select()
    .from(m)
    .where(
      and(
        eq(m.status, query.status),
        query.kind ? eq(m.kind, query.kind) : undefined,
        query.provider ? eq(m.provider, query.provider) : undefined,
        query.cursor ? lt(m.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(m.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(presentMismatch),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** An admin looked into a finding and says what they did (audit logged). */
export async function resolveMismatch(
  ctx: AppContext,
  actor: Actor,
  id: string,
  note: string,
  requestId: string,
): Promise<TMismatch> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(reconciliationMismatches)
      .set({
        status: "resolved",
        resolvedBy: actor.id,
        resolvedAt: sql`now()`,
        resolutionNote: note,
      })
      .where(and(eq(reconciliationMismatches.id, id), eq(reconciliationMismatches.status, "open")))
      .returning();
    if (!row) {
      throw new AppError("not_found", "No such open finding");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "reconciliation.mismatch_resolved",
      subjectType: "reconciliation_mismatch",
      subjectId: id,
      data: { kind: row.kind, paymentId: row.paymentId, note },
      requestId,
    });
    return presentMismatch(row);
  });
}
