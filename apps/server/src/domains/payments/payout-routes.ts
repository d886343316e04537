import {
  ZCreatePayout,
  ZCurrency,
  ZPayout,
  ZPayoutBalanceList,
  ZPayoutDestination,
  ZPayoutDestinationInput,
  ZPayoutDestinationList,
  ZPayoutExportQuery,
  ZPayoutList,
  ZPayoutQuery,
  ZResolvePayout,
  ZSupplierPayouts,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Actor } from "../../platform/auth/permissions.ts";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import { exportPayoutFile, payoutFile } from "./payout-files.ts";
import {
  createPayout,
  listDestinations,
  listPayouts,
  payoutBalances,
  payoutMethods,
  resolvePayout,
  setDestination,
} from "./payouts.ts";

const tags = ["payouts"];
const security = [{ bearer: [] }];
const ZId = z.object({ id: z.uuid() });

/**
 * Supplier payouts: the supplier's own account and payouts (its team), and the admins' desk:
 * balances, making a payout (Flutterwave transfer or a line in a payout file), the file for the
 * bank, and confirming what the bank paid.
 */
export const payoutRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  /** A supplier's team sees its own supplier only; admins every supplier; anyone else 404. */
  async function ensureOwnSupplier(actor: Actor, supplierId: string): Promise<void> {
    if (actor.role === "admin") {
      return;
    }
    const mine = actor.role === "supplier" ? await supplierIdsOfUser(ctx.db, actor.id) : [];
    if (!mine.includes(supplierId)) {
      throw new AppError("not_found", "No such supplier");
    }
  }

  app.get(
    "/suppliers/:id/payout-destinations",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "Where the supplier is paid, per currency",
        params: ZId,
        response: { 200: ZPayoutDestinationList },
      },
    },
    async (request) => {
      await ensureOwnSupplier(requireActor(request), request.params.id);
      return { items: await listDestinations(ctx.db, request.params.id) };
    },
  );

  app.put(
    "/suppliers/:id/payout-destinations/:currency",
    {
      config: { permission: "payouts:destination" },
      schema: {
        tags,
        security,
        summary:
          "Set the supplier's payout account in a currency: a bank account or a mobile-money wallet (owner only; audit logged)",
        params: ZId.extend({ currency: ZCurrency }),
        body: ZPayoutDestinationInput,
        response: { 200: ZPayoutDestination },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      await ensureOwnSupplier(actor, request.params.id);
      return setDestination(
        ctx,
        actor,
        request.params.id,
        request.params.currency,
        request.body,
        request.id,
      );
    },
  );

  app.get(
    "/suppliers/:id/payouts",
    {
      config: { permission: "orders:manage" },
      schema: {
        tags,
        security,
        summary: "The supplier's payouts and balances: available, in payout, paid out",
        params: ZId,
        querystring: ZPayoutQuery.omit({ supplierId: true }),
        response: { 200: ZSupplierPayouts },
      },
    },
    async (request) => {
      await ensureOwnSupplier(requireActor(request), request.params.id);
      const page = await listPayouts(ctx.db, { ...request.query, supplierId: request.params.id });
      return { ...page, balances: await payoutBalances(ctx.db, request.params.id) };
    },
  );

  app.get(
    "/admin/payouts/balances",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "Every supplier's money per currency: available to pay out, in payouts, paid out",
        response: { 200: ZPayoutBalanceList },
      },
    },
    async () => ({ items: await payoutBalances(ctx.db), methods: payoutMethods(ctx) }),
  );

  app.get(
    "/admin/payouts",
    {
      config: { permission: "admin:ledger:read" },
      schema: {
        tags,
        security,
        summary: "Payouts, newest first",
        querystring: ZPayoutQuery,
        response: { 200: ZPayoutList },
      },
    },
    async (request) => listPayouts(ctx.db, request.query),
  );

  app.post(
    "/admin/payouts",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary:
          "Pay a supplier out of their releasable balance (all of it unless an amount is given), by Flutterwave transfer or payout file",
        body: ZCreatePayout,
        response: { 201: ZPayout },
      },
    },
    async (request, reply) => {
      const payout = await createPayout(ctx, requireActor(request), request.body, request.id);
      return reply.code(201).send(payout);
    },
  );

  app.post(
    "/admin/payouts/:id/resolve",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary:
          "Confirm a payout a person must check (a payout-file line, a transfer whose answer was lost): paid with the bank's reference, or failed (money back to the supplier's balance)",
        params: ZId,
        body: ZResolvePayout,
        response: { 200: ZPayout },
      },
    },
    async (request) =>
      resolvePayout(ctx, requireActor(request), request.params.id, request.body, request.id),
  );

  app.post(
    "/admin/payouts/export",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary:
          "The payout file for the bank (CSV): every file payout waiting in the currency, which become sent",
        querystring: ZPayoutExportQuery,
        produces: ["text/csv"],
      },
    },
    async (request, reply) => {
      const file = await exportPayoutFile(
        ctx,
        requireActor(request),
        request.query.currency,
        request.id,
      );
      return reply
        .type("text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="payouts-${request.query.currency}-${file.exportId.slice(0, 8)}.csv"`,
        )
        .header("x-payout-export-id", file.exportId)
        .send(file.csv);
    },
  );

  app.get(
    "/admin/payouts/exports/:id",
    {
      config: { permission: "admin:payments" },
      schema: {
        tags,
        security,
        summary: "An earlier payout file again (CSV)",
        params: ZId,
        produces: ["text/csv"],
      },
    },
    async (request, reply) => {
      const csv = await payoutFile(ctx, request.params.id);
      return reply
        .type("text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="payouts-${request.params.id.slice(0, 8)}.csv"`,
        )
        .send(csv);
    },
  );
};
