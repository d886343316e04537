import {
  ZCashCount,
  ZCashDepositRule,
  ZCashDepositRuleView,
  ZCashReconciliation,
  ZCashReconciliationQuery,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { cashReconciliation, harareDay, recordCashCount, setCashDepositRule } from "./cash.ts";
import { cashDepositRule } from "./cash-hold.ts";

const tags = ["cash at pickup"];
const security = [{ bearer: [] }];

function presentRule(view: Awaited<ReturnType<typeof cashDepositRule>>) {
  return {
    rule: view.rule,
    updatedAt: view.updatedAt?.toISOString() ?? null,
    updatedBy: view.updatedBy,
  };
}

/** The deposit rule that holds cash shares, and the daily cash reconciliation of pickup points. */
export const cashRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/payments/cash-deposit-rule",
    {
      config: { public: true },
      schema: {
        tags,
        summary:
          "What a share paid in cash at pickup needs now: nothing, or a deposit (for the join screen)",
        response: { 200: z.object({ rule: ZCashDepositRule }) },
      },
    },
    async () => ({ rule: (await cashDepositRule(ctx.db)).rule }),
  );

  app.get(
    "/admin/payments/cash-deposit-rule",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "The cash deposit rule, who set it and when",
        response: { 200: ZCashDepositRuleView },
      },
    },
    async () => presentRule(await cashDepositRule(ctx.db)),
  );

  app.put(
    "/admin/payments/cash-deposit-rule",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary: "Set the cash deposit rule for shares joined from now on (audit logged)",
        body: ZCashDepositRule,
        response: { 200: ZCashDepositRuleView },
      },
    },
    async (request) =>
      presentRule(await setCashDepositRule(ctx, requireActor(request), request.body, request.id)),
  );

  app.get(
    "/admin/cash/reconciliation",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary:
          "Cash per pickup point for a day (Africa/Harare): recorded at handovers vs counted",
        querystring: ZCashReconciliationQuery,
        response: { 200: ZCashReconciliation },
      },
    },
    async (request) =>
      cashReconciliation(ctx.db, request.query.day ?? harareDay(), request.query.pickupPointId),
  );

  app.post(
    "/admin/cash/counts",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary:
          "Record the cash counted at a pickup point at the end of a day (replaces an earlier count)",
        body: ZCashCount,
        response: { 200: ZCashReconciliation },
      },
    },
    async (request) => {
      await recordCashCount(ctx, requireActor(request), request.body, request.id);
      return cashReconciliation(ctx.db, request.body.day, request.body.pickupPointId);
    },
  );
};
