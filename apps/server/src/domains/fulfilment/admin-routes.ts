import {
  ZAssignPickupAgent,
  ZDispute,
  ZDisputeList,
  ZDisputeListQuery,
  ZPickupAgent,
  ZPickupAgentList,
  ZResolveDispute,
} from "@cs/contracts";
import { pickupAgents, users } from "@cs/db";
import { asc, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { audit } from "../../platform/audit.ts";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findPickupPoint } from "../catalog/repo.ts";
import { findDispute, listDisputes, resolveDispute } from "./disputes.ts";

const tags = ["admin"];
const security = [{ bearer: [] }];
const ZId = z.object({ id: z.uuid() });

/** Admins' side of fulfilment: disputes and flags, and which agent works at which point. */
export const fulfilmentAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    "/disputes",
    {
      config: { permission: "admin:disputes" },
      schema: {
        tags,
        security,
        summary: "Disputes and flags (short deliveries, double collections, uncollected shares…)",
        querystring: ZDisputeListQuery,
        response: { 200: ZDisputeList },
      },
    },
    async (request) => listDisputes(ctx.db, request.query),
  );

  app.get(
    "/disputes/:id",
    {
      config: { permission: "admin:disputes" },
      schema: { tags, security, summary: "One dispute", params: ZId, response: { 200: ZDispute } },
    },
    async (request) => {
      const dispute = await findDispute(ctx.db, request.params.id);
      if (!dispute) {
        throw new AppError("not_found", "No such dispute");
      }
      return dispute;
    },
  );

  app.post(
    "/disputes/:id/resolve",
    {
      config: { permission: "admin:disputes" },
      schema: {
        tags,
        security,
        summary: "Resolve a dispute with one of its `resolutions` (money and credentials follow)",
        params: ZId,
        body: ZResolveDispute,
        response: { 200: ZDispute },
      },
    },
    async (request) => {
      await resolveDispute(ctx, requireActor(request), request.params.id, request.body, request.id);
      return (await findDispute(ctx.db, request.params.id)) as z.infer<typeof ZDispute>;
    },
  );

  app.get(
    "/pickup-agents",
    {
      config: { permission: "admin:pickup_agents" },
      schema: {
        tags,
        security,
        summary: "Pickup agents and the point each works at",
        response: { 200: ZPickupAgentList },
      },
    },
    async () => ({
      items: await ctx.db
        .select({
          userId: users.id,
          name: users.name,
          phone: users.phone,
          pickupPointId: pickupAgents.pickupPointId,
        })
        .from(pickupAgents)
        .innerJoin(users, eq(users.id, pickupAgents.userId))
        .orderBy(asc(users.name)),
    }),
  );

  app.put(
    "/pickup-agents/:id",
    {
      config: { permission: "admin:pickup_agents" },
      schema: {
        tags,
        security,
        summary: "Assign a pickup agent (user id) to a pickup point",
        params: ZId,
        body: ZAssignPickupAgent,
        response: { 200: ZPickupAgent },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const [user] = await ctx.db.select().from(users).where(eq(users.id, request.params.id));
      if (user?.role !== "pickup_agent") {
        throw new AppError("not_found", "No such pickup agent");
      }
      if (!(await findPickupPoint(ctx.db, request.body.pickupPointId))) {
        throw new AppError("unknown_reference", "No such pickup point");
      }
      await ctx.db.transaction(async (tx) => {
        await tx
          .insert(pickupAgents)
          .values({ userId: user.id, pickupPointId: request.body.pickupPointId })
          .onConflictDoUpdate({
            target: pickupAgents.userId,
            set: { pickupPointId: request.body.pickupPointId },
          });
        await audit(tx, {
          actorId: actor.id,
          action: "pickup_agent.assigned",
          subjectType: "user",
          subjectId: user.id,
          data: { pickupPointId: request.body.pickupPointId },
          requestId: request.id,
        });
      });
      return {
        userId: user.id,
        name: user.name,
        phone: user.phone,
        pickupPointId: request.body.pickupPointId,
      };
    },
  );
};
