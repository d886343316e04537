import {
  ZAdminRefund,
  ZAdminRefundList,
  ZAdminRefundQuery,
  ZCompleteManualRefund,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { completeManualRefund, listRefunds, retryRefund } from "./refund-queue.ts";

const tags = ["refunds"];
const security = [{ bearer: [] }];
const ZId = z.object({ id: z.uuid() });

/** The admins' view of refunds: the queue of those to send by hand, and what to do with them. */
export const refundRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/admin/refunds",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "Refunds, newest first (status=manual: the queue to send by hand)",
        querystring: ZAdminRefundQuery,
        response: { 200: ZAdminRefundList },
      },
    },
    async (request) => listRefunds(ctx, request.query),
  );

  app.post(
    "/admin/refunds/:id/complete",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary: "Mark a manual refund as sent by hand, with its reference (audit logged)",
        params: ZId,
        body: ZCompleteManualRefund,
        response: { 200: ZAdminRefund },
      },
    },
    async (request) =>
      completeManualRefund(ctx, requireActor(request), request.params.id, request.body, request.id),
  );

  app.post(
    "/admin/refunds/:id/retry",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary: "Send a manual or failed refund through the provider again (audit logged)",
        params: ZId,
        response: { 200: ZAdminRefund },
      },
    },
    async (request) => retryRefund(ctx, requireActor(request), request.params.id, request.id),
  );
};
