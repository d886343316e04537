import {
  ZAcceptOrder,
  ZDispatchOrder,
  ZOrderList,
  ZOrderListQuery,
  ZPayableList,
  ZRejectOrder,
  ZSupplierOrder,
} from "@cs/contracts";
import { invoices } from "@cs/db";
import { eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Actor } from "../../platform/auth/permissions.ts";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findMedia } from "../../platform/media.ts";
import { renderInvoicePdf } from "./invoices.ts";
import { acceptOrder, dispatchOrder, markOrderDelivered, rejectOrder } from "./orders.ts";
import { listPayables } from "./payables.ts";
import { canManageOrder, visibleSupplierIds } from "./policy.ts";
import { DELIVERY_PHOTO, invoiceNumber, presentOrder } from "./presenter.ts";
import { findOrderRecord, listOrderRecords } from "./repo.ts";

const ZId = z.object({ id: z.uuid() });
const tags = ["orders"];
const security = [{ bearer: [] }];

/** Supplier orders: what funded groups ask of their suppliers, and the suppliers' answers. */
export const orderRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  async function present(actor: Actor, id: string) {
    const record = await findOrderRecord(ctx.db, id);
    if (!record || !(await canManageOrder(ctx.db, actor, record.order))) {
      throw new AppError("not_found", "No such order");
    }
    return presentOrder(record, { manages: true });
  }

  app.get(
    "/orders",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Orders of my supplier (admins: every supplier), newest first",
        querystring: ZOrderListQuery,
        response: { 200: ZOrderList },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { status, supplierId, cursor, limit } = request.query;
      const visible = await visibleSupplierIds(ctx.db, actor);
      const supplierIds = supplierId
        ? visible === null || visible.includes(supplierId)
          ? [supplierId]
          : []
        : visible;
      const page = await listOrderRecords(
        ctx.db,
        { ...(supplierIds ? { supplierIds } : {}), ...(status ? { status } : {}) },
        { cursor, limit },
      );
      return {
        items: page.items.map((record) => presentOrder(record, { manages: true })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    "/orders/:id",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "One order",
        params: ZId,
        response: { 200: ZSupplierOrder },
      },
    },
    async (request) => present(requireActor(request), request.params.id),
  );

  app.post(
    "/orders/:id/accept",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Accept before the response deadline, with the delivery date",
        params: ZId,
        body: ZAcceptOrder,
        response: { 200: ZSupplierOrder },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await acceptOrder(ctx, actor, request.params.id, request.body.deliveryDate, request.id);
      return present(actor, request.params.id);
    },
  );

  app.post(
    "/orders/:id/reject",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Reject with a reason: the group is cancelled and everyone refunded",
        params: ZId,
        body: ZRejectOrder,
        response: { 200: ZSupplierOrder },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await rejectOrder(ctx, actor, request.params.id, request.body.reason, request.id);
      return present(actor, request.params.id);
    },
  );

  app.post(
    "/orders/:id/dispatch",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Mark an accepted order dispatched, with an optional tracking note",
        params: ZId,
        body: ZDispatchOrder,
        response: { 200: ZSupplierOrder },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await dispatchOrder(ctx, actor, request.params.id, request.body.trackingNote, request.id);
      return present(actor, request.params.id);
    },
  );

  app.post(
    "/orders/:id/deliver",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Say the goods are at the pickup point(s); the agents then check them in",
        params: ZId,
        response: { 200: ZSupplierOrder },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await markOrderDelivered(ctx, actor, request.params.id, request.id);
      return present(actor, request.params.id);
    },
  );

  app.get(
    "/orders/:id/invoice",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "The order's invoice as a PDF (issued when the group completes)",
        params: ZId,
        produces: ["application/pdf"],
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      await present(actor, request.params.id);
      const [invoice] = await ctx.db
        .select()
        .from(invoices)
        .where(eq(invoices.orderId, request.params.id));
      if (!invoice) {
        throw new AppError("invoice_not_issued");
      }
      const pdf = await renderInvoicePdf(invoice);
      return reply
        .type("application/pdf")
        .header(
          "content-disposition",
          `attachment; filename="${invoiceNumber(invoice.number)}.pdf"`,
        )
        .send(pdf);
    },
  );

  app.get(
    "/orders/:id/photos/:photoId",
    {
      config: { permission: "orders:photos" },
      schema: {
        tags,
        security,
        summary: "A pickup agent's photo of the order's delivery (its managers, and the agent)",
        params: ZId.extend({ photoId: z.uuid() }),
        produces: ["image/jpeg", "image/png", "image/webp"],
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const [record, photo] = await Promise.all([
        findOrderRecord(ctx.db, request.params.id),
        findMedia(ctx.db, request.params.photoId),
      ]);
      const visible =
        record &&
        photo?.purpose === DELIVERY_PHOTO &&
        photo.subjectId === record.order.id &&
        (photo.uploadedBy === actor.id || (await canManageOrder(ctx.db, actor, record.order)));
      if (!visible || !photo) {
        throw new AppError("not_found", "No such photo");
      }
      return reply
        .type(photo.contentType)
        .header("cache-control", "private, max-age=86400, immutable")
        .header("x-content-type-options", "nosniff")
        .send(photo.data);
    },
  );

  app.get(
    "/suppliers/:id/payables",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "What the supplier is owed per group: held until completion, then releasable",
        params: ZId,
        response: { 200: ZPayableList },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const visible = await visibleSupplierIds(ctx.db, actor);
      if (visible !== null && !visible.includes(request.params.id)) {
        throw new AppError("not_found", "No such supplier");
      }
      return listPayables(ctx.db, request.params.id);
    },
  );
};
