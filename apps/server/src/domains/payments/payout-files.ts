import type { TCurrency } from "@cs/contracts";
import { payoutExports, payouts, suppliers } from "@cs/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { toMajorUnits } from "./providers/amounts.ts";

const COLUMNS = [
  "reference",
  "supplier",
  "account_name",
  "kind",
  "bank_code",
  "bank_name",
  "account_number",
  "amount",
  "currency",
  "narration",
];

/**
 * One CSV field: quoted when it holds a comma, quote or line break, and with a leading
 * apostrophe when a spreadsheet would read it as a formula (a supplier names their own account).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

type Line = { payout: typeof payouts.$inferSelect; supplier: string };

function csvOf(lines: Line[]): string {
  const rows = lines.map(({ payout, supplier }) =>
    [
      payout.id,
      supplier,
      payout.destination.accountName,
      payout.destination.kind,
      payout.destination.bankCode,
      payout.destination.bankName,
      payout.destination.accountNumber,
      toMajorUnits(payout.amount),
      payout.currency,
      `ConnectSphere payout ${payout.id.slice(0, 8)}`,
    ]
      .map(csvField)
      .join(","),
  );
  return `${[COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}

/**
 * The payout file for the bank: every file payout waiting in the currency goes into one export,
 * in one transaction, and becomes `sent`; an admin then confirms each line paid (or bounced).
 * Payouts are locked while they are taken, so two admins exporting at once cannot put the same
 * payout in two files.
 */
export async function exportPayoutFile(
  ctx: AppContext,
  actor: Actor,
  currency: TCurrency,
  requestId: string,
): Promise<{ exportId: string; csv: string; count: number }> {
  return ctx.db.transaction(async (tx) => {
    const waiting = await tx
      .select({ payout: payouts, supplier: suppliers.businessName })
      .from(payouts)
      .innerJoin(suppliers, eq(suppliers.id, payouts.supplierId))
      .where(
        and(
          eq(payouts.method, "file"),
          eq(payouts.status, "pending"),
          eq(payouts.currency, currency),
        ),
      )
      .orderBy(asc(payouts.id))
      .limit(1000)
      .for("update", { of: payouts, skipLocked: true });
    if (waiting.length === 0) {
      throw new AppError("not_found", `No file payouts waiting in ${currency}`);
    }
    const exportId = newId();
    const total = waiting.reduce((sum, line) => sum + line.payout.amount, 0);
    await tx
      .insert(payoutExports)
      .values({ id: exportId, currency, count: waiting.length, total, createdBy: actor.id });
    await tx
      .update(payouts)
      .set({ status: "sent", exportId, sentAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        sql`${payouts.id} in (${sql.join(
          waiting.map((line) => sql`${line.payout.id}`),
          sql`, `,
        )})`,
      );
    await audit(tx, {
      actorId: actor.id,
      action: "payout_file.exported",
      subjectType: "payout_export",
      subjectId: exportId,
      data: { currency, count: waiting.length, total },
      requestId,
    });
    return { exportId, csv: csvOf(waiting), count: waiting.length };
  });
}

/** The same file again (a download that broke off): the lines of an earlier export. */
export async function payoutFile(ctx: AppContext, exportId: string): Promise<string> {
  const lines = await ctx.db
    .select({ payout: payouts, supplier: suppliers.businessName })
    .from(payouts)
    .innerJoin(suppliers, eq(suppliers.id, payouts.supplierId))
    .where(eq(payouts.exportId, exportId))
    .orderBy(asc(payouts.id));
  if (lines.length === 0) {
    throw new AppError("not_found", "No such payout file");
  }
  return csvOf(lines);
}
