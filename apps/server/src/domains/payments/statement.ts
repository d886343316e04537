import { payments } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, type FieldError } from "../../platform/errors.ts";
import { isPaymentId } from "./apply-payment.ts";
import { fromMajorUnits } from "./providers/amounts.ts";
import { closeRun, type Finding, openRunByHand, type RunRow } from "./reconciliation.ts";

/** A paid line of a provider's statement. */
interface StatementLine {
  line: number;
  reference: string;
  providerReference: string;
  amount: number;
  currency: string;
}

const PAID = /^(paid|successful|success|completed|awaiting delivery|delivered)$/i;

/** Splits CSV text into rows of fields (quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/** The statement's paid lines; a bad header or amount is a validation error naming the line. */
export function readStatement(csv: string): StatementLine[] {
  const [header, ...rows] = parseCsv(csv);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
  const at = (name: string) => columns.indexOf(name);
  if (at("reference") < 0 || at("amount") < 0) {
    throw new AppError("validation_failed", "The statement needs reference and amount columns", {
      errors: [{ path: "csv", message: "header must name reference and amount" }],
    });
  }
  const errors: FieldError[] = [];
  const lines: StatementLine[] = [];
  rows.forEach((fields, i) => {
    const value = (name: string) => (at(name) < 0 ? "" : (fields[at(name)] ?? "").trim());
    if (at("status") >= 0 && !PAID.test(value("status"))) {
      return;
    }
    const amount = fromMajorUnits(value("amount"));
    if (amount === null) {
      errors.push({ path: `csv.line ${i + 2}`, message: `not an amount: ${value("amount")}` });
      return;
    }
    lines.push({
      line: i + 2,
      reference: value("reference"),
      providerReference: value("provider_reference"),
      amount,
      currency: value("currency").toUpperCase(),
    });
  });
  if (errors.length > 0) {
    throw new AppError("validation_failed", "Some statement lines cannot be read", { errors });
  }
  return lines;
}

/**
 * Compares a provider's statement (CSV) with our payments through that provider: money the
 * provider took that we do not hold as paid, the same reference paid twice, other amounts, and
 * (for the days it covers) our paid payments missing from it. Findings go to the admins' list.
 */
export async function importStatement(
  ctx: AppContext,
  actor: Actor,
  input: { provider: string; csv: string; from?: string | undefined; to?: string | undefined },
  requestId: string,
): Promise<RunRow> {
  const lines = readStatement(input.csv);
  const ids = [...new Set(lines.map((l) => l.reference).filter(isPaymentId))];
  const ours = new Map(
    (ids.length === 0
      ? []
      : await ctx.db
          .select()
          .from(payments)
          .where(and(eq(payments.provider, input.provider), inArray(payments.id, ids)))
    ).map((p) => [p.id, p]),
  );
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  for (const line of lines) {
    const about = line.providerReference || line.reference;
    const payment = ours.get(line.reference);
    const base = {
      provider: input.provider,
      paymentId: payment?.id ?? null,
      providerRef: line.providerReference || null,
      currency: payment?.currency ?? null,
      expectedAmount: payment?.amount ?? null,
      actualAmount: line.amount,
    };
    const times = (seen.get(line.reference) ?? 0) + 1;
    seen.set(line.reference, times);
    if (times === 2) {
      findings.push({
        ...base,
        kind: "duplicated",
        about: `statement:${line.reference}`,
        detail: `Reference ${line.reference} paid more than once on the statement (line ${line.line})`,
      });
    }
    if (payment?.status !== "succeeded") {
      findings.push({
        ...base,
        kind: "missing_in_ledger",
        about: `statement:${about}`,
        detail: payment
          ? `Paid on the statement (line ${line.line}); our payment is ${payment.status}`
          : `Paid on the statement (line ${line.line}) for a reference we do not know: ${line.reference}`,
      });
    } else if (
      payment.amount !== line.amount ||
      (line.currency !== "" && line.currency !== payment.currency)
    ) {
      findings.push({
        ...base,
        kind: "amount_mismatch",
        about: `statement:${payment.id}`,
        detail: `Statement line ${line.line}: ${line.amount} ${line.currency || "?"}`,
      });
    }
  }
  if (input.from) {
    const absent = await ctx.db
      .select()
      .from(payments)
      .where(
        sql`${payments.provider} = ${input.provider} and ${payments.status} = 'succeeded'
          and (${payments.succeededAt} at time zone 'Africa/Harare')::date between ${input.from}::date and ${input.to ?? input.from}::date`,
      );
    for (const payment of absent.filter((p) => !seen.has(p.id))) {
      findings.push({
        provider: input.provider,
        kind: "missing_at_provider",
        about: `statement:${payment.id}`,
        paymentId: payment.id,
        providerRef: payment.providerRef,
        currency: payment.currency,
        expectedAmount: payment.amount,
        detail: "Paid in our books, absent from the provider's statement",
      });
    }
  }
  const run = await openRunByHand(
    ctx,
    actor,
    { source: "statement", provider: input.provider },
    { lines: lines.length, from: input.from ?? null, to: input.to ?? null },
    requestId,
  );
  return closeRun(ctx.db, run, lines.length, findings);
}
