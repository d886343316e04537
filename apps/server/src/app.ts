import { randomUUID } from "node:crypto";
import { users } from "@cs/db";
import compress from "@fastify/compress";
import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { eq } from "drizzle-orm";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { Redis } from "ioredis";
import { adminRoutes } from "./domains/admin/routes.ts";
import { catalogRoutes } from "./domains/catalog/routes.ts";
import { channelCallbackRoutes } from "./domains/channels/callback-routes.ts";
import { devRoutes } from "./domains/channels/dev-routes.ts";
import { chatAdminRoutes } from "./domains/chat/admin-routes.ts";
import { chatRoutes } from "./domains/chat/routes.ts";
import { chatSocketHandlers } from "./domains/chat/socket.ts";
import { fulfilmentAdminRoutes } from "./domains/fulfilment/admin-routes.ts";
import { orderRoutes } from "./domains/fulfilment/routes.ts";
import { presentProgress } from "./domains/groups/presenter.ts";
import { findGroup } from "./domains/groups/repo.ts";
import { groupRequestRoutes } from "./domains/groups/request-routes.ts";
import { groupRoutes } from "./domains/groups/routes.ts";
import { identityRoutes } from "./domains/identity/routes.ts";
import { notificationRoutes } from "./domains/notifications/routes.ts";
import { cashRoutes } from "./domains/payments/cash-routes.ts";
import { payoutRoutes } from "./domains/payments/payout-routes.ts";
import { rateRoutes } from "./domains/payments/rate-routes.ts";
import { reconciliationRoutes } from "./domains/payments/reconciliation-routes.ts";
import { refundRoutes } from "./domains/payments/refund-routes.ts";
import { paymentRoutes } from "./domains/payments/routes.ts";
import { sandboxRoutes } from "./domains/payments/sandbox-routes.ts";
import { pickupRoutes } from "./domains/pickup/routes.ts";
import { experimentAdminRoutes } from "./domains/recommendations/experiment-routes.ts";
import {
  recommendationAdminRoutes,
  recommendationRoutes,
} from "./domains/recommendations/routes.ts";
import { traderRoutes } from "./domains/traders/routes.ts";
import { authPlugin } from "./platform/auth/plugin.ts";
import type { AppContext } from "./platform/context.ts";
import { AppError } from "./platform/errors.ts";
import { healthRoutes } from "./platform/health.ts";
import { registerProblemHandlers } from "./platform/problem.ts";
import { attachRealtime } from "./platform/realtime.ts";
import { registerWebApp, resolveWebRoot, spaFallback } from "./platform/web.ts";

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP application: plugins, error handling and every domain's routes. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
    },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.production,
    requestIdHeader: "x-request-id",
    // Only needs to be unique: Node's own UUIDs come from a cached pool of randomness.
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  // A JSON API: plain-text bodies are refused with 415 rather than parsed into strings.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const webRoot = resolveWebRoot(config);
  registerProblemHandlers(app, webRoot ? spaFallback : undefined);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        "script-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "upgrade-insecure-requests": config.production ? [] : null,
      },
    },
    hsts: config.production,
  });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: true,
  });
  await app.register(compress, { threshold: 1024 });
  // With Redis, every API instance counts against the same limits.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
  if (redis) {
    app.addHook("onClose", async () => {
      await redis.quit();
    });
  }
  // A request whose client hung up while it waited (a dropped mobile connection, a load
  // balancer's timeout) has no address any more: there is nobody to answer, and counting it
  // against a limit by address would throw.
  app.addHook("onRequest", async (request, reply) => {
    if (request.ip === undefined) {
      reply.hijack();
      request.raw.destroy();
      return reply;
    }
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: "1 minute",
    // The app's own files (the shell, scripts, icons) are not counted: one page load fetches
    // dozens, and many traders reach us from one carrier address. The API, the sandbox pages,
    // the dev pages and the sockets are.
    allowList: (request) =>
      request.method === "GET" && !/^\/(api|sandbox|dev|socket\.io)(\/|$)/.test(request.url),
    ...(redis ? { redis, nameSpace: `${config.redisPrefix}rl:` } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError("rate_limited", `Try again in ${Math.ceil(context.ttl / 1000)} s`, {
        headers: { "retry-after": String(Math.ceil(context.ttl / 1000)) },
      }),
  });
  await app.register(cookie);
  // Before any route, so that every route (the docs' too) passes the authorization check.
  await app.register(authPlugin, { db: ctx.db, tokens: ctx.tokens });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "ConnectSphere API",
        version: "1",
        description:
          "Group buying for informal traders. Errors are RFC 9457 problem+json with a stable `code`.",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });

  await app.register(healthRoutes, { ctx });
  await app.register(identityRoutes, { ctx, prefix: "/api/v1/auth" });
  await app.register(traderRoutes, { ctx, prefix: "/api/v1/me" });
  await app.register(catalogRoutes, { ctx, prefix: "/api/v1" });
  await app.register(adminRoutes, { ctx, prefix: "/api/v1/admin" });
  await app.register(groupRoutes, { ctx, prefix: "/api/v1" });
  await app.register(groupRequestRoutes, { ctx, prefix: "/api/v1" });
  await app.register(chatRoutes, { ctx, prefix: "/api/v1" });
  await app.register(chatAdminRoutes, { ctx, prefix: "/api/v1/admin" });
  await app.register(paymentRoutes, { ctx, prefix: "/api/v1" });
  await app.register(orderRoutes, { ctx, prefix: "/api/v1" });
  await app.register(pickupRoutes, { ctx, prefix: "/api/v1" });
  await app.register(fulfilmentAdminRoutes, { ctx, prefix: "/api/v1/admin" });
  await app.register(rateRoutes, { ctx, prefix: "/api/v1" });
  await app.register(refundRoutes, { ctx, prefix: "/api/v1" });
  await app.register(payoutRoutes, { ctx, prefix: "/api/v1" });
  await app.register(cashRoutes, { ctx, prefix: "/api/v1" });
  await app.register(reconciliationRoutes, { ctx, prefix: "/api/v1" });
  await app.register(recommendationRoutes, { ctx, prefix: "/api/v1" });
  await app.register(recommendationAdminRoutes, { ctx, prefix: "/api/v1/admin" });
  await app.register(experimentAdminRoutes, { ctx, prefix: "/api/v1/admin" });
  await app.register(notificationRoutes, { ctx, prefix: "/api/v1" });
  await app.register(channelCallbackRoutes, { ctx, prefix: "/api/v1" });
  await app.register(sandboxRoutes, { ctx, prefix: "/sandbox" });
  if (config.devRoutes) {
    await app.register(devRoutes, { ctx, prefix: "/dev" });
  }
  ctx.realtime = attachRealtime(app.server, {
    tokens: ctx.tokens,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    corsOrigins: config.corsOrigins,
    log: app.log,
    socketHandlers: [chatSocketHandlers(ctx)],
    async isAdmin(userId) {
      const [user] = await ctx.db
        .select({ role: users.role, staffRole: users.staffRole, disabled: users.disabled })
        .from(users)
        .where(eq(users.id, userId));
      return user?.role === "admin" && !user.disabled;
    },
    async groupSnapshot(groupId) {
      const group = await findGroup(ctx.db, groupId);
      return group && group.status !== "draft" ? presentProgress(group) : null;
    },
  });
  app.addHook("onClose", async () => {
    await ctx.realtime?.close();
    ctx.realtime = null;
  });
  if (webRoot) {
    await registerWebApp(app, webRoot);
  } else {
    app.log.warn("web app not built: run `npm run build` to serve it");
  }
  return app;
}
