import {
  ZDeadLetterList,
  ZMarkRead,
  ZNotificationList,
  ZNotificationPreferences,
  ZUnreadCount,
  ZUpdatePreferences,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { getPreferences, savePreferences } from "./preferences.ts";
import {
  listDeadLetters,
  listNotifications,
  markRead,
  retryDeadLetter,
  unreadCount,
} from "./repo.ts";

const tags = ["notifications"];
const security = [{ bearer: [] }];

/** The notification centre and preferences of the signed-in user, and the admins' dead letters. */
export const notificationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const own = { config: { permission: "notifications:own" as const } };

  app.get(
    "/notifications",
    {
      ...own,
      schema: {
        tags,
        security,
        summary: "My notifications, newest first",
        querystring: z.object({
          cursor: z.string().max(80).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(30),
        }),
        response: { 200: ZNotificationList },
      },
    },
    async (request) => listNotifications(ctx.db, requireActor(request).id, request.query),
  );

  app.get(
    "/notifications/unread-count",
    { ...own, schema: { tags, security, response: { 200: ZUnreadCount } } },
    async (request) => ({ unread: await unreadCount(ctx.db, requireActor(request).id) }),
  );

  app.post(
    "/notifications/read",
    {
      ...own,
      schema: {
        tags,
        security,
        summary: "Mark notifications read (all of them when no ids are given)",
        body: ZMarkRead,
        response: { 200: ZUnreadCount },
      },
    },
    async (request) => ({
      unread: await markRead(ctx.db, requireActor(request).id, request.body.ids),
    }),
  );

  app.get(
    "/notifications/preferences",
    { ...own, schema: { tags, security, response: { 200: ZNotificationPreferences } } },
    async (request) => getPreferences(ctx.db, requireActor(request).id),
  );

  app.put(
    "/notifications/preferences",
    {
      ...own,
      schema: {
        tags,
        security,
        summary: "Choose channels per kind of event, and quiet hours (Africa/Harare)",
        body: ZUpdatePreferences,
        response: { 200: ZNotificationPreferences },
      },
    },
    async (request) => savePreferences(ctx.db, requireActor(request).id, request.body),
  );

  app.get(
    "/admin/notifications/dead-letters",
    {
      config: { permission: "admin:notifications" },
      schema: {
        tags,
        security,
        summary: "Messages that ran out of attempts",
        response: { 200: ZDeadLetterList },
      },
    },
    async () => listDeadLetters(ctx.db),
  );

  app.post(
    "/admin/notifications/dead-letters/:id/retry",
    {
      config: { permission: "admin:notifications" },
      schema: { tags, security, params: z.object({ id: z.uuid() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await retryDeadLetter(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
