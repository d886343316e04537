import { ZChatReportList } from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { listReportedMessages } from "./reports.ts";

/** The moderators' side of the chat: what members reported, across every group. */
export const chatAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/chat/reports",
    {
      config: { permission: "chat:moderate" },
      schema: {
        tags: ["chat", "admin"],
        security: [{ bearer: [] }],
        summary:
          "Reported chat messages still shown, most recently reported first (hide one with POST …/chat/messages/:id/hide)",
        response: { 200: ZChatReportList },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return {
        items: await listReportedMessages(ctx.db, {
          id: actor.id,
          name: "",
          role: "admin",
          moderator: true,
        }),
      };
    },
  );
};
