import {
  ZChatMessage,
  ZChatPage,
  ZChatPageQuery,
  ZChatRead,
  ZChatReadState,
  ZChatReport,
  ZSendChatMessage,
} from "@cs/contracts";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import {
  acceptImageBodies,
  findMedia,
  IMAGE_TYPES,
  MEDIA_MAX_BYTES,
} from "../../platform/media.ts";
import { chatPage, markChatRead } from "./history.ts";
import { hideMessage, reportMessage } from "./moderation.ts";
import { requireChatAccess } from "./policy.ts";
import { byMedia, findMessage } from "./repo.ts";
import { sendImageMessage, sendTextMessage } from "./send-message.ts";

const tags = ["chat"];
const security = [{ bearer: [] }];
const ZGroup = z.object({ groupId: z.uuid() });
const ZMessageParams = ZGroup.extend({ messageId: z.uuid() });
const participate = { permission: "chat:participate" } as const;

/** A group's chat room: its traders (live or past share), its supplier's team, and admins. */
export const chatRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const access = (request: FastifyRequest) =>
    requireChatAccess(
      ctx.db,
      requireActor(request).id,
      (request.params as { groupId: string }).groupId,
    );

  app.get(
    "/groups/:groupId/chat",
    {
      config: participate,
      schema: {
        tags,
        security,
        summary:
          "Messages of the group's room, oldest first: the newest page, `before` a seq (history) or `after` a seq (catching up)",
        params: ZGroup,
        querystring: ZChatPageQuery,
        response: { 200: ZChatPage },
      },
    },
    async (request) => chatPage(ctx.db, await access(request), request.query),
  );

  app.post(
    "/groups/:groupId/chat/messages",
    {
      config: participate,
      schema: {
        tags,
        security,
        summary:
          "Send a text message (stored as typed; a retry with the same clientId is stored once)",
        params: ZGroup,
        body: ZSendChatMessage,
        response: { 200: ZChatMessage, 201: ZChatMessage },
      },
    },
    async (request, reply) => {
      const sent = await sendTextMessage(ctx, await access(request), request.body);
      return reply.code(sent.created ? 201 : 200).send(sent.message);
    },
  );

  app.post(
    "/groups/:groupId/chat/read",
    {
      config: participate,
      schema: {
        tags,
        security,
        summary: "I have read up to this seq",
        params: ZGroup,
        body: ZChatRead,
        response: { 200: ZChatReadState },
      },
    },
    async (request) => markChatRead(ctx.db, await access(request), request.body.seq),
  );

  app.post(
    "/groups/:groupId/chat/messages/:messageId/report",
    {
      config: participate,
      schema: {
        tags,
        security,
        summary: "Report a message to the moderators",
        params: ZMessageParams,
        body: ZChatReport,
      },
    },
    async (request, reply) => {
      await reportMessage(
        ctx,
        await access(request),
        request.params.messageId,
        request.body.reason,
      );
      return reply.code(204).send();
    },
  );

  app.post(
    "/groups/:groupId/chat/messages/:messageId/hide",
    {
      config: { permission: "chat:moderate" },
      schema: {
        tags,
        security,
        summary: "Hide a message (moderators): others see it was hidden by a moderator",
        params: ZMessageParams,
        response: { 200: ZChatMessage },
      },
    },
    async (request) =>
      hideMessage(ctx, await access(request), request.params.messageId, request.id),
  );

  app.get(
    "/groups/:groupId/chat/images/:mediaId",
    {
      config: participate,
      schema: {
        tags,
        security,
        summary: "An image sent in the room (members only)",
        params: ZGroup.extend({ mediaId: z.uuid() }),
        produces: [...IMAGE_TYPES],
      },
    },
    async (request, reply) => {
      const room = await access(request);
      const [message, media] = await Promise.all([
        findMessage(ctx.db, byMedia(room.group.id, request.params.mediaId)),
        findMedia(ctx.db, request.params.mediaId),
      ]);
      const visible = message && media && (message.hiddenAt === null || room.viewer.moderator);
      if (!visible) {
        throw new AppError("not_found", "No such image");
      }
      return reply
        .type(media.contentType)
        .header("cache-control", "private, max-age=86400, immutable")
        .header("x-content-type-options", "nosniff")
        .send(media.data);
    },
  );

  acceptImageBodies(app);
  app.post(
    "/groups/:groupId/chat/images",
    {
      config: participate,
      bodyLimit: MEDIA_MAX_BYTES,
      schema: {
        tags,
        security,
        summary:
          "Send an image (the image itself: JPEG, PNG or WebP, at most 2 MiB; a retry with the same clientId is stored once)",
        params: ZGroup,
        querystring: z.object({ clientId: z.uuid() }),
        consumes: [...IMAGE_TYPES],
        response: { 200: ZChatMessage, 201: ZChatMessage },
      },
    },
    async (request, reply) => {
      const sent = await sendImageMessage(ctx, await access(request), {
        clientId: request.query.clientId,
        contentType: request.headers["content-type"],
        body: request.body,
      });
      return reply.code(sent.created ? 201 : 200).send(sent.message);
    },
  );
};
