import { ZRole, ZUser } from "@cs/contracts";
import { users } from "@cs/db";
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { presentUser } from "../identity/presenter.ts";

const ZUserListQuery = z.strictObject({
  role: ZRole.optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const ZUserList = z.object({ items: z.array(ZUser), nextCursor: z.string().nullable() });

/** Platform staff tools. Only users and roles for now; moderation and disputes come later. */
export const adminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/users",
    {
      config: { permission: "admin:users:read" },
      schema: {
        tags: ["admin"],
        security: [{ bearer: [] }],
        summary: "List users, oldest first, cursor paginated",
        querystring: ZUserListQuery,
        response: { 200: ZUserList },
      },
    },
    async (request) => {
      const { role, cursor, limit } = request.query;
      const filters: SQL[] = [];
      if (role) {
        filters.push(eq(users.role, role));
      }
      if (cursor) {
        filters.push(gt(users.id, cursor));
      }
      const rows = await ctx.db
        .select()
        .from(users)
        .where(and(...filters))
        .orderBy(asc(users.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return {
        items: page.map(presentUser),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
};
