import {
  ZCatalogIdParams,
  ZProduct,
  ZProductCreate,
  ZProductList,
  ZProductListQuery,
  ZProductUpdate,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { authorize, loadViewer, productRef } from "./policy.ts";
import { presentProduct } from "./presenter.ts";
import { createProduct, resolveProductSupplier, updateProduct } from "./product-writes.ts";
import { listProducts, loadManagedProduct, loadVisibleProduct } from "./products.ts";

const tags = ["products"];
const security = [{ bearer: [] }];

/** Products and their price ladders: public reading, edited by their supplier's team or admins. */
export const productRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/products",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "List products by id, cursor paginated (inactive ones only for their team)",
        querystring: ZProductListQuery,
        response: { 200: ZProductList },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const viewer = await loadViewer(ctx.db, request.actor);
      const page = await listProducts(ctx, viewer, filter, { cursor, limit });
      return {
        items: page.items.map((record) => presentProduct(record, viewer)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    "/products/:id",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "A product with its price tiers",
        params: ZCatalogIdParams,
        response: { 200: ZProduct },
      },
    },
    async (request) => {
      const viewer = await loadViewer(ctx.db, request.actor);
      return presentProduct(await loadVisibleProduct(ctx, viewer, request.params.id), viewer);
    },
  );

  app.post(
    "/products",
    {
      config: { permission: "catalog:products" },
      schema: {
        tags,
        security,
        summary: "Add a product to my supplier's catalogue (admins name the supplier)",
        body: ZProductCreate,
        response: { 201: ZProduct },
      },
    },
    async (request, reply) => {
      const { supplierId: named, ...input } = request.body;
      const viewer = await loadViewer(ctx.db, requireActor(request));
      const supplierId = await resolveProductSupplier(ctx, viewer, named);
      authorize(viewer, "create", productRef({ supplierId, active: true }));
      const product = await createProduct(ctx, viewer, supplierId, input, request.id);
      return reply.status(201).send(presentProduct(product, viewer));
    },
  );

  app.patch(
    "/products/:id",
    {
      config: { permission: "catalog:products" },
      schema: {
        tags,
        security,
        summary: "Edit a product; new tiers replace the whole ladder",
        params: ZCatalogIdParams,
        body: ZProductUpdate,
        response: { 200: ZProduct },
      },
    },
    async (request) => {
      const viewer = await loadViewer(ctx.db, requireActor(request));
      const product = await loadManagedProduct(ctx, viewer, request.params.id);
      authorize(viewer, "update", productRef(product));
      const updated = await updateProduct(ctx, viewer, product, request.body, request.id);
      return presentProduct(updated, viewer);
    },
  );
};
