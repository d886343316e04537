import { type Database, users, uuidArray } from "@cs/db";
import { sql } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type Batcher, createBatcher } from "../batcher.ts";
import { AppError } from "../errors.ts";
import { type Actor, hasPermission, type Permission } from "./permissions.ts";
import type { AccessTokens } from "./tokens.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Opt out of authentication. Every other route needs a session and a permission. */
    public?: boolean;
    /** On a public route: identify the caller when a valid token is sent (to personalise). */
    optionalAuth?: boolean;
    permission?: Permission;
    /** Let a signed-in user whose phone is not yet verified call this route. */
    allowUnverified?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Routes added by plugins we do not write ourselves, public by name. */
const PUBLIC_BY_NAME = [/^\/api\/docs(\/|$)/, /^\/\*$/];

/**
 * Authentication and authorization for every route, on by default: a route must say
 * `config: { public: true }` or name the `permission` it needs, or the server refuses to start.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { db: Database; tokens: AccessTokens }) => {
    app.decorateRequest("actor", null);

    app.addHook("onRoute", (route) => {
      const config = (route.config ?? {}) as { public?: boolean; permission?: Permission };
      if (PUBLIC_BY_NAME.some((pattern) => pattern.test(route.url))) {
        route.config = { ...config, public: true } as typeof route.config;
        return;
      }
      if (!config.public && !config.permission) {
        throw new Error(
          `route ${route.method} ${route.url} declares neither public nor a permission`,
        );
      }
    });

    app.addHook("onRequest", async (request) => {
      const config = request.routeOptions.config;
      if (!request.routeOptions.url) {
        return;
      }
      if (config.public) {
        if (config.optionalAuth && request.headers.authorization) {
          request.actor = await authenticate(request, opts.db, opts.tokens).catch(() => null);
        }
        return;
      }
      const actor = await authenticate(request, opts.db, opts.tokens);
      if (!actor.phoneVerified && !config.allowUnverified) {
        throw new AppError("phone_not_verified");
      }
      if (!config.permission || !hasPermission(actor, config.permission)) {
        throw new AppError("forbidden");
      }
      request.actor = actor;
    });
  },
);

const userColumns = {
  id: users.id,
  role: users.role,
  staffRole: users.staffRole,
  phoneVerifiedAt: users.phoneVerifiedAt,
  language: users.language,
  disabled: users.disabled,
};
type UserRow = { [K in keyof typeof userColumns]: (typeof users.$inferSelect)[K] };

const loaders = new WeakMap<Database, Batcher<string, UserRow | undefined>>();

/**
 * The user behind each token is read on every request (a disabled account stops at once), and
 * requests that arrive together share one read.
 */
function userLoader(db: Database): Batcher<string, UserRow | undefined> {
  let loader = loaders.get(db);
  if (!loader) {
    loader = createBatcher({
      maxInFlight: 4,
      maxBatch: 500,
      run: async (ids) => {
        const rows = await db
          .select(userColumns)
          .from(users)
          .where(sql`${users.id} = any(${uuidArray([...new Set(ids)])})`);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => ({ ok: true, value: byId.get(id) }));
      },
    });
    loaders.set(db, loader);
  }
  return loader;
}

async function authenticate(
  request: FastifyRequest,
  db: Database,
  tokens: AccessTokens,
): Promise<Actor> {
  const header = request.headers.authorization;
  if (!header) {
    throw new AppError("unauthenticated");
  }
  const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header);
  if (!match?.[1]) {
    throw new AppError("token_invalid");
  }
  const userId = await tokens.verify(match[1]);
  const user = await userLoader(db).submit(userId);
  if (!user || user.disabled) {
    throw new AppError("token_invalid");
  }
  return {
    id: user.id,
    role: user.role,
    staffRole: user.staffRole,
    phoneVerified: user.phoneVerifiedAt !== null,
    language: user.language,
  };
}

/** The actor of an authenticated route; routes with a permission always have one. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) {
    throw new AppError("unauthenticated");
  }
  return request.actor;
}
