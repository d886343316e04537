import {
  ZPaymentHistory,
  ZPaymentHistoryQuery,
  ZPaymentMethods,
  ZPaymentMethodsQuery,
  ZPaymentSession,
  ZReceipt,
} from "@cs/contracts";
import { participations, payments } from "@cs/db";
import { eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { presentPaymentSession } from "./checkout.ts";
import { listMyPayments, receiptFor } from "./history.ts";
import { paymentMethodsFor } from "./payment-methods.ts";
import { checkPayment } from "./poll-payments.ts";
import { handleWebhook } from "./receive-webhook.ts";

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** Provider webhooks (signature checked over the raw body) and the trader's payment status. */
export const paymentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Signatures are computed over the exact bytes sent, so keep them next to the parsed body.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    request.rawBody = text;
    try {
      done(null, text.length > 0 ? JSON.parse(text) : {});
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });
  // Paynow posts its status updates form-encoded; its hash covers the values in sent order.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (request, body, done) => {
      const text = typeof body === "string" ? body : body.toString("utf8");
      request.rawBody = text;
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );

  app.post(
    "/payments/webhooks/:provider",
    {
      config: { public: true, rateLimit: false },
      schema: {
        tags: ["payments"],
        summary:
          "Payment provider webhook (sandbox: signed JSON; paynow: hashed form status update; flutterwave: JSON with verif-hash): signature verified, then re-checked with the provider",
        params: z.object({ provider: z.string().regex(/^[a-z]{2,20}$/) }),
        response: { 200: z.object({ outcome: z.string() }) },
      },
    },
    async (request) => {
      const outcome = await handleWebhook(
        ctx,
        request.params.provider,
        request.headers,
        request.rawBody ?? "",
        request.log,
      );
      request.log.info({ provider: request.params.provider, outcome }, "payment webhook applied");
      return { outcome };
    },
  );

  app.get(
    "/payments/methods",
    {
      config: { public: true },
      schema: {
        tags: ["payments"],
        summary:
          "How a share in this currency can be paid: the methods whose provider takes it (express: approve on the handset), and cash at pickup with its deposit rule",
        querystring: ZPaymentMethodsQuery,
        response: { 200: ZPaymentMethods },
      },
    },
    async (request) => paymentMethodsFor(ctx, request.query.currency),
  );

  app.get(
    "/payments/:id",
    {
      config: { permission: "payments:own" },
      schema: {
        tags: ["payments"],
        security: [{ bearer: [] }],
        summary: "One of my payments",
        params: z.object({ id: z.uuid() }),
        response: { 200: ZPaymentSession },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const [payment] = await ctx.db
        .select()
        .from(payments)
        .where(eq(payments.id, request.params.id));
      if (!payment || payment.traderId !== actor.id) {
        throw new AppError("not_found", "No such payment");
      }
      const [share] = await ctx.db
        .select({ holdExpiresAt: participations.holdExpiresAt })
        .from(participations)
        .where(eq(participations.id, payment.participationId));
      return presentPaymentSession(payment, share?.holdExpiresAt ?? payment.createdAt);
    },
  );

  app.post(
    "/payments/:id/check",
    {
      config: {
        permission: "payments:own",
        // Each press asks the provider: a few a minute per trader is plenty for "Check again",
        // and a stuck button or a script cannot hammer Paynow through us. Counted after
        // authentication, per trader, so traders behind one carrier address do not share it.
        rateLimit: {
          max: ctx.config.payments.checkRateLimitPerMinute,
          timeWindow: "1 minute",
          hook: "preHandler",
          keyGenerator: (request) => `payment-check:${request.actor?.id ?? request.ip}`,
        },
      },
      schema: {
        tags: ["payments"],
        security: [{ bearer: [] }],
        summary:
          "Check again: ask the provider now about one of my pending payments (503 provider_unavailable: try later)",
        params: z.object({ id: z.uuid() }),
        response: { 200: ZPaymentSession },
      },
    },
    async (request) => {
      const { payment, expiresAt } = await checkPayment(
        ctx,
        requireActor(request),
        request.params.id,
      );
      return presentPaymentSession(payment, expiresAt);
    },
  );

  app.get(
    "/me/payments",
    {
      config: { permission: "payments:own" },
      schema: {
        tags: ["payments"],
        security: [{ bearer: [] }],
        summary: "My payment history, newest first, with refunds (cursor paginated)",
        querystring: ZPaymentHistoryQuery,
        response: { 200: ZPaymentHistory },
      },
    },
    async (request) => listMyPayments(ctx, requireActor(request), request.query),
  );

  app.get(
    "/me/payments/:id/receipt",
    {
      config: { permission: "payments:own" },
      schema: {
        tags: ["payments"],
        security: [{ bearer: [] }],
        summary: "The receipt of one of my succeeded payments",
        params: z.object({ id: z.uuid() }),
        response: { 200: ZReceipt },
      },
    },
    async (request) => receiptFor(ctx, requireActor(request), request.params.id),
  );
};
