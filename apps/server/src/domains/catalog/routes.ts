import { ZCategoryList, ZMarketList } from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { productRoutes } from "./product-routes.ts";
import { referenceRoutes } from "./reference-routes.ts";
import { listCategories, listMarkets } from "./service.ts";
import { supplierRoutes } from "./supplier-routes.ts";

const tags = ["meta"];

/**
 * The catalogue: reference lists the onboarding form and filters need (public and cacheable),
 * then suppliers, products and the reference data admins maintain.
 */
export const catalogRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(supplierRoutes, { ctx });
  await app.register(productRoutes, { ctx });
  await app.register(referenceRoutes, { ctx });
  app.get(
    "/meta/markets",
    {
      config: { public: true },
      schema: { tags, summary: "Markets of Harare", response: { 200: ZMarketList } },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return { items: await listMarkets(ctx.db) };
    },
  );
  app.get(
    "/meta/categories",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Product categories, named in en/sn/nd",
        response: { 200: ZCategoryList },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return { items: await listCategories(ctx.db) };
    },
  );
};
