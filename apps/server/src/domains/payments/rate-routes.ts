import { ZExchangeRateCurrent, ZExchangeRateHistory, ZSetExchangeRate } from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { rateHistory, setExchangeRate } from "./exchange-rates.ts";

const tags = ["exchange rates"];

/** The USD→ZiG rate the app shows prices with (display only: a group charges in its own currency). */
export const rateRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/exchange-rates/current",
    {
      config: { public: true },
      schema: { tags, summary: "The rate in force", response: { 200: ZExchangeRateCurrent } },
    },
    async () => {
      const [current] = await rateHistory(ctx.db, 1);
      return {
        current: current
          ? { base: current.base, quote: current.quote, rate: current.rate, setAt: current.setAt }
          : null,
      };
    },
  );
  app.get(
    "/admin/exchange-rates",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Every rate ever set, newest first",
        response: { 200: ZExchangeRateHistory },
      },
    },
    async () => ({ items: await rateHistory(ctx.db) }),
  );
  app.put(
    "/admin/exchange-rates",
    {
      config: { permission: "admin:exchange_rates" },
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Set a new USD→ZWG rate",
        body: ZSetExchangeRate,
        response: { 200: ZExchangeRateHistory.shape.items.element },
      },
    },
    async (request) => setExchangeRate(ctx, requireActor(request), request.body.rate, request.id),
  );
};
