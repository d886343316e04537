import path from "node:path";
import { type DatabaseHandle, openDatabase } from "@cs/db";
import { createChannelDrivers } from "./domains/channels/registry.ts";
import { postSystemMessage } from "./domains/chat/system-messages.ts";
import { createOrderForGroup } from "./domains/fulfilment/orders.ts";
import { presentProgress } from "./domains/groups/presenter.ts";
import { findGroup, findGroups } from "./domains/groups/repo.ts";
import { deliverNotification, deliverNotifications } from "./domains/notifications/deliver.ts";
import { notifyRecipients, notifyRecipientsAll } from "./domains/notifications/service.ts";
import { createPaymentProviders } from "./domains/payments/providers/registry.ts";
import { deliverSandboxWebhook } from "./domains/payments/providers/sandbox.ts";
import { userUpdate, userUpdates } from "./domains/payments/user-updates.ts";
import {
  pushCredential,
  pushCredentials,
  textPickupCodes,
  textShortDelivery,
} from "./domains/pickup/notify.ts";
import { createAccessTokens } from "./platform/auth/tokens.ts";
import type { Config } from "./platform/config.ts";
import type { AppContext } from "./platform/context.ts";
import type {
  OutboxHandler,
  OutboxHandlers,
  OutboxTopic,
  OutboxTopics,
} from "./platform/outbox.ts";

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openConfiguredDatabase(
  config: Config,
  poolSize = config.databasePoolSize,
): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ kind: "postgres", url: config.databaseUrl, poolSize })
    : openDatabase({ kind: "pglite", dataDir: path.join(config.dataDir, "pglite") });
}

/**
 * The context the outbox worker and the jobs run on. Beside the API on PostgreSQL it gets its
 * own small pool (WORKER_DATABASE_POOL_SIZE), so a burst of requests holding every API
 * connection cannot starve the deliveries (progress pushes, webhooks, SMS) that the burst
 * itself creates. PGlite has one connection, which both share.
 */
export async function workerContext(
  api: AppContext,
): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  if (api.config.role !== "all" || api.database.kind !== "postgres") {
    return { ctx: api, close: async () => {} };
  }
  const database = await openConfiguredDatabase(api.config, api.config.workerDatabasePoolSize);
  const ctx = createContext(api.config, database);
  // The same addresses (set once the API listens) and the same sockets.
  ctx.urls = api.urls;
  ctx.realtime = api.realtime;
  return { ctx, close: () => database.close() };
}

/** Everything the routes and workers share, over an open database. */
export function createContext(config: Config, database: DatabaseHandle): AppContext {
  const local = `http://127.0.0.1:${config.port}`;
  const urls = { public: config.publicUrl ?? `http://localhost:${config.port}`, internal: local };
  const channels = createChannelDrivers(config.channels, database.db);
  return {
    config,
    database,
    db: database.db,
    tokens: createAccessTokens(config.jwtSecret, config.accessTokenTtlSeconds),
    sms: channels.sms,
    channels,
    payments: createPaymentProviders(config.payments, {
      db: database.db,
      sandboxSecret: config.sandboxSecret,
    }),
    urls,
    realtime: null,
  };
}

/** After `listen`: the real port (it may have been 0) for links and self-calls. */
export function setListeningPort(ctx: AppContext, port: number): void {
  ctx.urls.internal = `http://127.0.0.1:${port}`;
  if (!ctx.config.publicUrl) {
    ctx.urls.public = `http://localhost:${port}`;
  }
}

/**
 * A batch handler's work, or, if it fails as a whole (one event naming a malformed id fails the
 * batch's statement), each event through the topic's single handler, so that a bad event fails
 * alone and the others are delivered.
 */
async function orEachAlone<T extends OutboxTopic>(
  events: ReadonlyArray<{ payload: OutboxTopics[T]; event: { id: number; attempts: number } }>,
  alone: OutboxHandler<T>,
  batch: () => Promise<void>,
): Promise<Array<{ ok: true } | { ok: false; error: unknown }>> {
  try {
    await batch();
    return events.map(() => ({ ok: true as const }));
  } catch {
    return Promise.all(
      events.map(({ payload, event }) =>
        alone(payload, event).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      ),
    );
  }
}

/** How the worker delivers each outbox topic. */
export function outboxHandlers(ctx: AppContext): OutboxHandlers {
  const handlers: OutboxHandlers = {
    "sms.send": async (payload, event) => {
      await ctx.sms.send({
        to: payload.to,
        body: payload.body,
        idempotencyKey: `outbox:${event.id}`,
      });
    },
    "sandbox.webhook": (payload) => deliverSandboxWebhook(ctx.config.sandboxSecret, payload),
    "realtime.group": async ({ groupId }) => {
      const group = await findGroup(ctx.db, groupId);
      if (group && group.status !== "draft") {
        ctx.realtime?.toGroup(groupId, "group:progress", presentProgress(group));
      }
    },
    "realtime.user": async (payload) => {
      const update = await userUpdate(ctx.db, payload);
      if (update) {
        ctx.realtime?.toUser(payload.userId, "user:update", update);
      }
    },
    "group.funded": async ({ groupId }) => {
      await createOrderForGroup(ctx, groupId);
    },
    "pickup.credentials_issued": (payload) => textPickupCodes(ctx, payload),
    "pickup.short_delivery": (payload) => textShortDelivery(ctx, payload),
    "realtime.pickup": ({ credentialId }) => pushCredential(ctx, credentialId),
    "chat.system": (payload) => postSystemMessage(ctx, payload),
    notify: (payload) => notifyRecipients(ctx, payload),
    "notify.deliver": ({ deliveryId }, event) =>
      deliverNotification(ctx, deliveryId, event.attempts),
    // Events of these topics claimed together are handled together: one transaction or one
    // read for the batch instead of one per event.
    batches: {
      notify: (events) =>
        notifyRecipientsAll(
          ctx,
          events.map((e) => e.payload),
        ),
      "notify.deliver": (events) =>
        deliverNotifications(
          ctx,
          events.map((e) => ({ deliveryId: e.payload.deliveryId, attempt: e.event.attempts })),
        ),
      "realtime.group": (events) =>
        orEachAlone(events, handlers["realtime.group"], async () => {
          // One read for every group of the batch (identical pushes were already made one).
          for (const group of await findGroups(
            ctx.db,
            events.map((e) => e.payload.groupId),
          )) {
            if (group.status !== "draft") {
              ctx.realtime?.toGroup(group.id, "group:progress", presentProgress(group));
            }
          }
        }),
      "realtime.user": (events) =>
        orEachAlone(events, handlers["realtime.user"], async () => {
          const updates = await userUpdates(
            ctx.db,
            events.map((e) => e.payload),
          );
          events.forEach((e, i) => {
            const update = updates[i];
            if (update) {
              ctx.realtime?.toUser(e.payload.userId, "user:update", update);
            }
          });
        }),
      "realtime.pickup": async (events) => {
        await pushCredentials(
          ctx,
          events.map((e) => e.payload.credentialId),
        );
        return events.map(() => ({ ok: true as const }));
      },
    },
  };
  return handlers;
}
