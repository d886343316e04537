import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DatabaseHandle, openDatabase } from "@cs/db";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/platform/config.ts";
import type { AppContext } from "../src/platform/context.ts";
import { deliverOutboxBatch } from "../src/platform/outbox.ts";
import { createContext, outboxHandlers, setListeningPort } from "../src/runtime.ts";

/** A fresh database cloned from the run's migrated and seeded template. */
export async function openTestDatabase(): Promise<DatabaseHandle & { dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const pgTemplate = inject("pgTemplate");
  if (url && pgTemplate) {
    const name = `cs_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${pgTemplate}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ kind: "postgres", url: target.toString(), poolSize: 20 });
    return {
      ...handle,
      async dispose() {
        await handle.close();
        await admin.query(`drop database if exists ${name}`);
        await admin.end();
      },
    };
  }
  const template = readFileSync(inject("pgliteTemplate"));
  const handle = await openDatabase({
    kind: "pglite",
    dataDir: null,
    loadDataDir: new Blob([template]),
  });
  return { ...handle, dispose: () => handle.close() };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** Runs the worker's outbox delivery until nothing is due. */
  drainOutbox(): Promise<number>;
  close(): Promise<void>;
}

/** The real Fastify app on a fresh database; `env` overrides configuration for this test file. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { listen?: boolean } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cs-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "100000",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000",
    // Tests look at results right after changing them; the shared window has its own test.
    SEARCH_CACHE_MS: "0",
    WEB_DIST: path.join(dataDir, "no-web"),
    // With REDIS_URL set (the service-backed run), limits are counted in Redis, per test app.
    ...(process.env.REDIS_URL
      ? {
          REDIS_URL: process.env.REDIS_URL,
          REDIS_PREFIX: `cs-test-${randomBytes(4).toString("hex")}:`,
        }
      : {}),
    ...env,
  });
  const database = await openTestDatabase();
  const ctx = createContext(config, database);
  const app = await buildApp(ctx);
  await app.ready();
  if (options.listen) {
    // Real HTTP on loopback, for flows where the app calls itself (the sandbox's webhooks).
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address && typeof address === "object") {
      setListeningPort(ctx, address.port);
    }
  }
  const handlers = outboxHandlers(ctx);
  return {
    app,
    ctx,
    async drainOutbox() {
      let total = 0;
      for (
        let n = await deliverOutboxBatch(ctx.db, handlers);
        n > 0;
        n = await deliverOutboxBatch(ctx.db, handlers)
      ) {
        total += n;
      }
      return total;
    },
    async close() {
      await app.close();
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
