import path from "node:path";
import { type DatabaseHandle, openDatabase } from "@cs/db";
import { createLocalSmsDriver } from "./domains/channels/sms.ts";
import { createAccessTokens } from "./platform/auth/tokens.ts";
import type { Config } from "./platform/config.ts";
import type { AppContext } from "./platform/context.ts";
import type { OutboxHandlers } from "./platform/outbox.ts";

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ kind: "postgres", url: config.databaseUrl, poolSize: config.databasePoolSize })
    : openDatabase({ kind: "pglite", dataDir: path.join(config.dataDir, "pglite") });
}

/** Everything the routes and workers share, over an open database. */
export function createContext(config: Config, database: DatabaseHandle): AppContext {
  return {
    config,
    database,
    db: database.db,
    tokens: createAccessTokens(config.jwtSecret, config.accessTokenTtlSeconds),
    sms: createLocalSmsDriver(database.db),
  };
}

/** How the worker delivers each outbox topic. */
export function outboxHandlers(ctx: AppContext): OutboxHandlers {
  return {
    "sms.send": (payload, event) =>
      ctx.sms.send({ to: payload.to, body: payload.body, idempotencyKey: `outbox:${event.id}` }),
  };
}
