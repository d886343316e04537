import {
  ZCreateGroupRequestByTrader,
  ZGroupRequestList,
  ZGroupRequestQuery,
  ZGroupRequestView,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { createGroupRequest, declineGroupRequest, listGroupRequests } from "./group-requests.ts";

const tags = ["group requests"];
const security = [{ bearer: [] }];

/** Traders ask for groups; suppliers and admins turn them into offers (POST /groups with requestId) or decline. */
export const groupRequestRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.post(
    "/group-requests",
    {
      config: { permission: "group_requests:create" },
      schema: {
        tags,
        security,
        summary: "Ask for a group buy of something",
        body: ZCreateGroupRequestByTrader,
        response: { 201: ZGroupRequestView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createGroupRequest(ctx, requireActor(request), request.body, request.id)),
  );
  app.get(
    "/group-requests",
    {
      config: { permission: "session:self" },
      schema: {
        tags,
        security,
        summary: "Requests: a trader's own; all of them for suppliers and admins",
        querystring: ZGroupRequestQuery,
        response: { 200: ZGroupRequestList },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      if (actor.role === "pickup_agent") {
        throw new AppError("forbidden");
      }
      return listGroupRequests(ctx.db, actor, request.query);
    },
  );
  app.post(
    "/group-requests/:id/decline",
    {
      config: { permission: "group_requests:review" },
      schema: {
        tags,
        security,
        summary: "Decline an open request",
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ reason: z.string().trim().min(3).max(500) }),
        response: { 200: ZGroupRequestView },
      },
    },
    async (request) =>
      declineGroupRequest(
        ctx,
        requireActor(request),
        request.params.id,
        request.body.reason,
        request.id,
      ),
  );
};
