import {
  ZCatalogIdParams,
  ZSupplier,
  ZSupplierCreate,
  ZSupplierList,
  ZSupplierListQuery,
  ZSupplierMember,
  ZSupplierMemberAdd,
  ZSupplierUpdate,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { authorize, loadViewer, supplierRef } from "./policy.ts";
import { presentSupplier } from "./presenter.ts";
import { findSupplier } from "./repo.ts";
import {
  addSupplierMember,
  createSupplier,
  listSuppliers,
  loadSupplier,
  updateSupplier,
} from "./suppliers.ts";

const tags = ["suppliers"];
const security = [{ bearer: [] }];

/** Suppliers: public reading; admins register and verify them, owners keep theirs up to date. */
export const supplierRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/suppliers",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "List suppliers by id, cursor paginated",
        querystring: ZSupplierListQuery,
        response: { 200: ZSupplierList },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const viewer = await loadViewer(ctx.db, request.actor);
      const page = await listSuppliers(ctx, filter, { cursor, limit });
      return {
        items: page.items.map((row) => presentSupplier(row, viewer)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    "/suppliers/:id",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "A supplier",
        params: ZCatalogIdParams,
        response: { 200: ZSupplier },
      },
    },
    async (request) => {
      const viewer = await loadViewer(ctx.db, request.actor);
      return presentSupplier(await loadSupplier(ctx, request.params.id), viewer);
    },
  );

  app.get(
    "/me/suppliers",
    {
      config: { permission: "session:self" },
      schema: {
        tags,
        security,
        summary: "The suppliers whose team I am on (any team role)",
        response: { 200: z.object({ items: z.array(ZSupplier) }) },
      },
    },
    async (request) => {
      const viewer = await loadViewer(ctx.db, requireActor(request));
      const rows = await Promise.all(viewer.supplierIds.map((id) => findSupplier(ctx.db, id)));
      return {
        items: rows.filter((row) => row !== undefined).map((row) => presentSupplier(row, viewer)),
      };
    },
  );

  app.post(
    "/suppliers",
    {
      config: { permission: "catalog:suppliers" },
      schema: {
        tags,
        security,
        summary: "Register a supplier (admins); it starts pending verification",
        body: ZSupplierCreate,
        response: { 201: ZSupplier },
      },
    },
    async (request, reply) => {
      const viewer = await loadViewer(ctx.db, requireActor(request));
      authorize(viewer, "create", supplierRef(null));
      const supplier = await createSupplier(ctx, viewer, request.body, request.id);
      return reply.status(201).send(presentSupplier(supplier, viewer));
    },
  );

  app.patch(
    "/suppliers/:id",
    {
      config: { permission: "catalog:suppliers" },
      schema: {
        tags,
        security,
        summary: "Edit a supplier (its owners or admins; only admins change verification)",
        params: ZCatalogIdParams,
        body: ZSupplierUpdate,
        response: { 200: ZSupplier },
      },
    },
    async (request) => {
      const viewer = await loadViewer(ctx.db, requireActor(request));
      const supplier = await loadSupplier(ctx, request.params.id);
      authorize(viewer, "update", supplierRef(supplier.id));
      if (request.body.verificationStatus !== undefined) {
        authorize(viewer, "verify", supplierRef(supplier.id));
      }
      const updated = await updateSupplier(ctx, viewer, supplier, request.body, request.id);
      return presentSupplier(updated, viewer);
    },
  );

  app.post(
    "/suppliers/:id/members",
    {
      config: { permission: "catalog:suppliers" },
      schema: {
        tags,
        security,
        summary: "Add an existing supplier user to the supplier's team",
        params: ZCatalogIdParams,
        body: ZSupplierMemberAdd,
        response: { 201: ZSupplierMember },
      },
    },
    async (request, reply) => {
      const viewer = await loadViewer(ctx.db, requireActor(request));
      const supplier = await loadSupplier(ctx, request.params.id);
      authorize(viewer, "addMember", supplierRef(supplier.id));
      const member = await addSupplierMember(
        ctx,
        viewer,
        supplier,
        request.body.userId,
        request.id,
      );
      return reply.status(201).send(member);
    },
  );
};
