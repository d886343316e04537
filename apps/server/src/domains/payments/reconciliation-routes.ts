import {
  ZImportStatement,
  ZMismatch,
  ZMismatchList,
  ZMismatchQuery,
  ZReconciliationRun,
  ZResolveMismatch,
  ZRunReconciliation,
  ZTrialBalance,
  ZTrialBalanceQuery,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { reconcileNow } from "./reconciliation.ts";
import { listMismatches, listRuns, presentRun, resolveMismatch } from "./reconciliation-views.ts";
import { importStatement } from "./statement.ts";
import { trialBalance } from "./trial-balance.ts";

const tags = ["reconciliation"];
const security = [{ bearer: [] }];

/** Reconciliation for admins: the trial balance, runs, statements, and the findings to look into. */
export const reconciliationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    "/admin/ledger/trial-balance",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary:
          "Trial balance: debits and credits per currency, unbalanced entries (must be 0), balances by kind of account",
        querystring: ZTrialBalanceQuery,
        response: { 200: ZTrialBalance },
      },
    },
    async (request) => trialBalance(ctx.db, request.query.groupId),
  );

  app.get(
    "/admin/reconciliation/mismatches",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "Findings: missing on either side, duplicated, amount mismatch (newest first)",
        querystring: ZMismatchQuery,
        response: { 200: ZMismatchList },
      },
    },
    async (request) => listMismatches(ctx.db, request.query),
  );

  app.post(
    "/admin/reconciliation/mismatches/:id/resolve",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary: "Close a finding with what was done about it (audit logged)",
        params: z.object({ id: z.uuid() }),
        body: ZResolveMismatch,
        response: { 200: ZMismatch },
      },
    },
    async (request) =>
      resolveMismatch(ctx, requireActor(request), request.params.id, request.body.note, request.id),
  );

  app.get(
    "/admin/reconciliation/runs",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "The last 30 reconciliation runs (daily, by hand, statements)",
        response: { 200: z.object({ items: z.array(ZReconciliationRun) }) },
      },
    },
    async () => ({ items: await listRuns(ctx.db) }),
  );

  app.post(
    "/admin/reconciliation/runs",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary:
          "Reconcile now the payments started on these days (default yesterday) with ledger and providers",
        body: ZRunReconciliation,
        response: { 200: ZReconciliationRun },
      },
    },
    async (request) =>
      presentRun(await reconcileNow(ctx, requireActor(request), request.body, request.id)),
  );

  app.post(
    "/admin/reconciliation/statements",
    {
      config: { permission: "admin:payments" },
      // A month of a provider's statement is larger than an API body.
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags,
        security,
        summary: "Compare a provider's statement (CSV) with our payments",
        body: ZImportStatement,
        response: { 200: ZReconciliationRun },
      },
    },
    async (request) =>
      presentRun(await importStatement(ctx, requireActor(request), request.body, request.id)),
  );
};
