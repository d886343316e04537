import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "./context.ts";
import { AppError } from "./errors.ts";

const ZStatus = z.object({ status: z.string() });

/** Liveness (the process answers) and readiness (database reachable, migrations applied). */
export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/health",
    {
      config: { public: true, rateLimit: false },
      schema: { hide: true, response: { 200: ZStatus } },
    },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/ready",
    {
      config: { public: true, rateLimit: false },
      schema: { hide: true, response: { 200: ZStatus } },
    },
    async () => {
      if (!(await ctx.database.isReady())) {
        throw new AppError("service_unavailable", "database not reachable or not migrated");
      }
      return { status: "ready" };
    },
  );
};
