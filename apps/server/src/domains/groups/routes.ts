import {
  ZChangeQuantityRequest,
  ZCheckoutChoice,
  ZCreateGroupRequest,
  ZGroup,
  ZGroupList,
  ZGroupSearchQuery,
  ZJoinGroupRequest,
  ZJoinGroupResponse,
  ZParticipation,
  ZParticipationList,
  ZPaymentSession,
} from "@cs/contracts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { cancelGroup } from "./close-group.ts";
import { createGroup, openGroup } from "./create-group.ts";
import { changeQuantity, joinGroup, leaveGroup, retryPayment } from "./join-group.ts";
import { listMyParticipations } from "./my-groups.ts";
import { canManageGroup, canSeeGroup } from "./policy.ts";
import { presentGroup } from "./presenter.ts";
import { currentZwgRate, findGroup, liveParticipationsOf } from "./repo.ts";
import { searchGroups } from "./search.ts";

const ZId = z.object({ id: z.uuid() });

/** `br` or `gzip` when the client accepts it (and has not refused it with q=0), else none. */
export function preferredEncoding(header: string | string[] | undefined): "br" | "gzip" | null {
  const accepted = new Set(
    (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((part) => part.trim().toLowerCase().split(";"))
      .filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? ""))
      .map(([name]) => name?.trim()),
  );
  return accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : null;
}
const tags = ["groups"];
const security = [{ bearer: [] }];

/** Group offers, joining, and the trader's shares. */
export const groupRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  /** The trader comes back from the checkout to the host they came from, unless PUBLIC_URL says otherwise. */
  function checkoutVia(request: FastifyRequest) {
    return {
      log: request.log,
      origin: ctx.config.publicUrl ?? `${request.protocol}://${request.host}`,
    };
  }

  async function present(
    groupId: string,
    request: { actor: import("../../platform/auth/permissions.ts").Actor | null },
  ) {
    const group = await findGroup(ctx.db, groupId);
    if (!group || !(await canSeeGroup(ctx.db, request.actor, group))) {
      throw new AppError("not_found", "No such group");
    }
    const actor = request.actor;
    const mine =
      actor?.role === "trader"
        ? ((await liveParticipationsOf(ctx.db, actor.id, [group.id])).get(group.id) ?? null)
        : null;
    return presentGroup(group, {
      actor,
      mine,
      manages: await canManageGroup(ctx.db, actor, group),
      zwgPerUsdMicros: await currentZwgRate(ctx.db),
    });
  }

  app.get(
    "/groups",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "Search groups (full text, filters, sorts; cursor paginated)",
        querystring: ZGroupSearchQuery,
        response: { 200: ZGroupList },
      },
    },
    async (request, reply) => {
      const { shared, list } = await searchGroups(ctx, request.actor, request.query);
      if (!shared) {
        return list;
      }
      // The shared page goes out as it was checked (against ZGroupList) and compressed once for
      // everyone; a string or a buffer skips the per-request serialiser and compression.
      const raw = reply as unknown as FastifyReply;
      const encoding = preferredEncoding(request.headers["accept-encoding"]);
      raw.header("vary", "accept-encoding").type("application/json; charset=utf-8");
      if (!encoding) {
        return raw.send(shared.json);
      }
      return raw.header("content-encoding", encoding).send(shared.encode(encoding));
    },
  );

  app.get(
    "/groups/:id",
    {
      config: { public: true, optionalAuth: true },
      schema: {
        tags,
        summary: "One group, with the viewer's share",
        params: ZId,
        response: { 200: ZGroup },
      },
    },
    async (request) => present(request.params.id, request),
  );

  app.post(
    "/groups",
    {
      config: { permission: "groups:manage" },
      schema: {
        tags,
        security,
        summary: "Create a group offer for a product",
        body: ZCreateGroupRequest,
        response: { 201: ZGroup },
      },
    },
    async (request, reply) => {
      const group = await createGroup(ctx, requireActor(request), request.body, request.id);
      return reply.status(201).send(await present(group.id, request));
    },
  );

  app.post(
    "/groups/:id/open",
    {
      config: { permission: "groups:manage" },
      schema: {
        tags,
        security,
        summary: "Open a draft group",
        params: ZId,
        response: { 200: ZGroup },
      },
    },
    async (request) => {
      await openGroup(ctx, requireActor(request), request.params.id, request.id);
      return present(request.params.id, request);
    },
  );

  app.post(
    "/groups/:id/cancel",
    {
      config: { permission: "groups:manage" },
      schema: {
        tags,
        security,
        summary: "Cancel a draft or open group; refunds everyone who paid",
        params: ZId,
        body: z.strictObject({ reason: z.string().trim().min(3).max(500) }),
        response: { 200: ZGroup },
      },
    },
    async (request) => {
      await cancelGroup(
        ctx,
        requireActor(request),
        request.params.id,
        request.body.reason,
        request.id,
      );
      return present(request.params.id, request);
    },
  );

  app.post(
    "/groups/:id/join",
    {
      config: { permission: "groups:join" },
      schema: {
        tags,
        security,
        summary: "Join with a quantity: reserves it and opens a checkout",
        params: ZId,
        body: ZJoinGroupRequest,
        response: { 201: ZJoinGroupResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await joinGroup(
            ctx,
            requireActor(request),
            request.params.id,
            request.body,
            checkoutVia(request),
          ),
        ),
  );

  app.get(
    "/me/participations",
    {
      config: { permission: "groups:join" },
      schema: {
        tags,
        security,
        summary: "My groups: every share with its payments and refunds",
        response: { 200: ZParticipationList },
      },
    },
    async (request) => ({ items: await listMyParticipations(ctx.db, requireActor(request)) }),
  );

  app.patch(
    "/participations/:id",
    {
      config: { permission: "groups:join" },
      schema: {
        tags,
        security,
        summary: "Change my quantity while the group is open",
        params: ZId,
        body: ZChangeQuantityRequest,
        response: {
          200: z.object({ participation: ZParticipation, payment: ZPaymentSession.nullable() }),
        },
      },
    },
    async (request) =>
      changeQuantity(
        ctx,
        requireActor(request),
        request.params.id,
        request.body.quantity,
        checkoutVia(request),
      ),
  );

  app.delete(
    "/participations/:id",
    {
      config: { permission: "groups:join" },
      schema: {
        tags,
        security,
        summary: "Leave the group (refund if paid)",
        params: ZId,
        response: { 200: ZParticipation },
      },
    },
    async (request) => leaveGroup(ctx, requireActor(request), request.params.id),
  );

  app.post(
    "/participations/:id/pay",
    {
      config: { permission: "groups:join" },
      schema: {
        tags,
        security,
        summary:
          "A new checkout for my reservation (503 provider_unavailable: try again in a minute)",
        params: ZId,
        body: z.strictObject(ZCheckoutChoice.shape),
        response: { 200: ZPaymentSession },
      },
    },
    async (request) =>
      retryPayment(
        ctx,
        requireActor(request),
        request.params.id,
        request.body,
        checkoutVia(request),
      ),
  );
};
