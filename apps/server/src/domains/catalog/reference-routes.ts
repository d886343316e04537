import {
  ZCatalogIdParams,
  ZCategory,
  ZCategoryCreate,
  ZPickupPoint,
  ZPickupPointCreate,
  ZPickupPointList,
  ZPickupPointListQuery,
  ZPickupPointUpdate,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { presentCategory, presentPickupPoint } from "./presenter.ts";
import {
  createCategory,
  createPickupPoint,
  listPickupPoints,
  loadPickupPoint,
  updatePickupPoint,
} from "./reference-data.ts";

const tags = ["reference"];
const security = [{ bearer: [] }];

/**
 * Reference data admins maintain: categories and pickup points. The route's permission is the
 * whole rule (any holder may edit any of them), so there is no per-object policy.
 */
export const referenceRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/categories",
    {
      config: { permission: "catalog:reference" },
      schema: {
        tags,
        security,
        summary: "Add a product category, named in en/sn/nd",
        body: ZCategoryCreate,
        response: { 201: ZCategory },
      },
    },
    async (request, reply) => {
      const category = await createCategory(ctx, requireActor(request), request.body, request.id);
      return reply.status(201).send(presentCategory(category));
    },
  );

  app.get(
    "/pickup-points",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Pickup points, of one market or all",
        querystring: ZPickupPointListQuery,
        response: { 200: ZPickupPointList },
      },
    },
    async (request) => ({
      items: (await listPickupPoints(ctx, request.query.marketId)).map(presentPickupPoint),
    }),
  );

  app.post(
    "/pickup-points",
    {
      config: { permission: "catalog:reference" },
      schema: {
        tags,
        security,
        summary: "Add a pickup point to a market",
        body: ZPickupPointCreate,
        response: { 201: ZPickupPoint },
      },
    },
    async (request, reply) => {
      const point = await createPickupPoint(ctx, requireActor(request), request.body, request.id);
      return reply.status(201).send(presentPickupPoint(point));
    },
  );

  app.patch(
    "/pickup-points/:id",
    {
      config: { permission: "catalog:reference" },
      schema: {
        tags,
        security,
        summary: "Edit a pickup point",
        params: ZCatalogIdParams,
        body: ZPickupPointUpdate,
        response: { 200: ZPickupPoint },
      },
    },
    async (request) => {
      const point = await loadPickupPoint(ctx, request.params.id);
      const updated = await updatePickupPoint(
        ctx,
        requireActor(request),
        point,
        request.body,
        request.id,
      );
      return presentPickupPoint(updated);
    },
  );
};
