import { ZProfileResponse, ZTraderProfileInput } from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { getProfile, saveProfile } from "./profile.ts";

const tags = ["traders"];
const security = [{ bearer: [] }];

/** The signed-in trader's onboarding preferences. */
export const traderRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/profile",
    {
      config: { permission: "trader:profile" },
      schema: {
        tags,
        security,
        summary: "My trader preferences (null before onboarding)",
        response: { 200: ZProfileResponse },
      },
    },
    async (request) => ({ profile: await getProfile(ctx.db, requireActor(request)) }),
  );
  app.put(
    "/profile",
    {
      config: { permission: "trader:profile" },
      schema: {
        tags,
        security,
        summary: "Create or replace my trader preferences",
        body: ZTraderProfileInput,
        response: { 200: z.object({ profile: ZProfileResponse.shape.profile.unwrap() }) },
      },
    },
    async (request) => ({ profile: await saveProfile(ctx, requireActor(request), request.body) }),
  );
};
