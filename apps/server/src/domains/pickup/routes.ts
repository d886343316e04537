import {
  ZHandoverRequest,
  ZHandoverResponse,
  ZManifest,
  ZMyPickupList,
  ZPickupCheck,
  ZPickupDeliveryList,
  ZPickupPointAssignment,
  ZPickupProof,
  ZReceiveDelivery,
  ZReceiveResult,
  ZSyncRequest,
  ZSyncResponse,
  ZUploadedPhoto,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { acceptImageBodies, IMAGE_TYPES, MEDIA_MAX_BYTES } from "../../platform/media.ts";
import { findPickupPoint } from "../catalog/repo.ts";
import { verifyPickup } from "./handover.ts";
import { confirmHandover } from "./handover-batch.ts";
import { buildManifest, syncOfflineHandovers } from "./offline.ts";
import { receiveDelivery, uploadDeliveryPhoto } from "./receive.ts";
import { agentPickupPoint } from "./repo.ts";
import { listDeliveries, listMyPickups } from "./views.ts";

const tags = ["pickup"];
const security = [{ bearer: [] }];
const ZOrderId = z.object({ orderId: z.uuid() });

/** The pickup agent's work at their point, and the trader's own pickup codes. */
export const pickupRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/me/pickups",
    {
      config: { permission: "pickup:own" },
      schema: {
        tags,
        security,
        summary: "My pickup credentials: QR token and short code while live, newest first",
        response: { 200: ZMyPickupList },
      },
    },
    async (request) => ({ items: await listMyPickups(ctx, requireActor(request).id) }),
  );

  app.get(
    "/pickup/point",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary: "The pickup point I work at",
        response: { 200: ZPickupPointAssignment },
      },
    },
    async (request) => {
      const id = await agentPickupPoint(ctx.db, requireActor(request).id);
      const point = await findPickupPoint(ctx.db, id);
      if (!point) {
        throw new AppError("pickup_agent_unassigned");
      }
      return {
        pickupPoint: {
          id: point.id,
          name: point.name,
          address: point.address,
          hours: point.hours,
          marketId: point.marketId,
        },
      };
    },
  );

  app.get(
    "/pickup/deliveries",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary:
          "Deliveries my pickup point expects or has checked in (accepted orders), newest first",
        response: { 200: ZPickupDeliveryList },
      },
    },
    async (request) => ({
      items: await listDeliveries(ctx.db, await agentPickupPoint(ctx.db, requireActor(request).id)),
    }),
  );

  acceptImageBodies(app);
  app.post(
    "/pickup/deliveries/:orderId/photo",
    {
      config: { permission: "pickup:agent" },
      bodyLimit: MEDIA_MAX_BYTES,
      schema: {
        tags,
        security,
        summary:
          "Upload a photo of a delivery before checking it in (the image itself: JPEG, PNG or WebP, at most 2 MiB)",
        params: ZOrderId,
        consumes: [...IMAGE_TYPES],
        response: { 201: ZUploadedPhoto },
      },
    },
    async (request, reply) => {
      const photo = await uploadDeliveryPhoto(ctx, requireActor(request), request.params.orderId, {
        contentType: request.headers["content-type"],
        body: request.body,
      });
      return reply.code(201).send({
        photo: { id: photo.id, contentType: photo.contentType, byteSize: photo.byteSize },
      });
    },
  );

  app.post(
    "/pickup/deliveries/:orderId/receive",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary:
          "Check in my point's part of an order with a quality check; short opens a dispute, full issues credentials",
        params: ZOrderId,
        body: ZReceiveDelivery,
        response: { 200: ZReceiveResult },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const result = await receiveDelivery(
        ctx,
        actor,
        request.params.orderId,
        request.body,
        request.id,
      );
      const pointId = await agentPickupPoint(ctx.db, actor.id);
      const [delivery] = await listDeliveries(ctx.db, pointId, request.params.orderId);
      if (!delivery) {
        throw new AppError("not_found", "No such delivery at your pickup point");
      }
      return { delivery, credentialsIssued: result.issued, disputeId: result.disputeId };
    },
  );

  app.post(
    "/pickup/verify",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary: "Scan a QR token or type a short code: who, what, how much is left",
        body: ZPickupProof,
        response: { 200: ZPickupCheck },
      },
    },
    async (request) => verifyPickup(ctx, requireActor(request), request.body),
  );

  app.post(
    "/pickup/handovers",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary:
          "Hand goods over (everything left unless a quantity is given): collected exactly once",
        body: ZHandoverRequest,
        response: { 200: ZHandoverResponse },
      },
    },
    async (request) => {
      const { quantity, cashAmount, ...proof } = request.body;
      return confirmHandover(ctx, {
        actor: requireActor(request),
        proof: "token" in proof ? { token: proof.token } : { code: proof.code },
        quantity,
        cashAmount,
      });
    },
  );

  app.get(
    "/pickup/manifest",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary:
          "Offline manifest of my pickup point: what is due, with one-way hashes to check codes",
        response: { 200: ZManifest },
      },
    },
    async (request) => buildManifest(ctx, requireActor(request)),
  );

  app.post(
    "/pickup/sync",
    {
      config: { permission: "pickup:agent" },
      schema: {
        tags,
        security,
        summary:
          "Send handovers recorded offline: each applied, duplicate or conflict (flagged to admins)",
        body: ZSyncRequest,
        response: { 200: ZSyncResponse },
      },
    },
    async (request) => syncOfflineHandovers(ctx, requireActor(request), request.body),
  );
};
