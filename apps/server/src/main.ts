import pino from "pino";
import { buildApp } from "./app.ts";
import { seedIfEmpty } from "./domains/demo/seed.ts";
import { withDevFakes } from "./domains/payments/fakes/dev.ts";
import { workerJobs } from "./jobs.ts";
import { ConfigError, loadConfig } from "./platform/config.ts";
import { startOutboxWorker } from "./platform/outbox.ts";
import { redisRealtime } from "./platform/realtime.ts";
import { startScheduler } from "./platform/scheduler.ts";
import {
  createContext,
  openConfiguredDatabase,
  outboxHandlers,
  setListeningPort,
  workerContext,
} from "./runtime.ts";

/** Starts what ROLE names: the HTTP API, the worker, or both (the default). */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel });
  const started = Date.now();
  // PAYMENT_FAKES=true (development only): local fake Paynow and Flutterwave beside the app.
  const fakes = config.payments.fakes ? await withDevFakes(config.payments) : null;
  if (fakes) {
    config = { ...config, payments: fakes.config };
    log.info(fakes.urls, "payment providers are local fakes");
  }
  const database = await openConfiguredDatabase(config);
  await database.migrate();
  const ctx = createContext(config, database);
  const seeded =
    config.seedOnEmpty && config.role !== "api" ? await seedIfEmpty(ctx, config.seed) : null;

  const stops: Array<() => Promise<void>> = [];
  if (config.role !== "worker") {
    const app = await buildApp(ctx);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    if (address && typeof address === "object") {
      setListeningPort(ctx, address.port);
    }
    stops.push(() => app.close());
  }
  if (fakes) {
    fakes.listening(ctx.urls.internal);
    stops.push(() => fakes.close());
  }
  if (config.role !== "api") {
    if (!ctx.realtime && config.redisUrl) {
      // A worker-only process pushes through Redis to the API instances that hold the sockets.
      const realtime = redisRealtime(config.redisUrl, config.redisPrefix);
      ctx.realtime = realtime;
      stops.push(() => realtime.close());
    }
    const work = await workerContext(ctx);
    const worker = startOutboxWorker(
      work.ctx.db,
      outboxHandlers(work.ctx),
      log,
      config.outboxPollMs,
      config.outboxConcurrency,
    );
    const scheduler = startScheduler(workerJobs(work.ctx, log), log);
    stops.push(
      () => scheduler.stop(),
      () => worker.stop(),
      () => work.close(),
    );
  }
  log.info(
    { role: config.role, database: database.kind, ms: Date.now() - started },
    "ConnectSphere started",
  );
  if (config.role !== "worker") {
    printWelcome(ctx.urls.public, seeded);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    for (const stop of stops) {
      await stop();
    }
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

function printWelcome(url: string, seeded: Awaited<ReturnType<typeof seedIfEmpty>>): void {
  const lines = [
    "",
    `  ConnectSphere is running at ${url}`,
    `  API docs: ${url}/api/docs   ·   SMS outbox (dev): ${url}/dev/messages`,
    "",
    "  Demo logins (password for all: Demo2026!)",
    "    trader        0771000001",
    "    supplier      0772000001  (owner of Mbare Wholesale Foods)",
    "    pickup agent  0773000001  (Mbare Musika depot)",
    "    admin         0774000001  (superadmin)",
    seeded
      ? `  Demo data created (seed ${seeded.seed}: ${seeded.traders} traders, ${seeded.groups} group buys).`
      : "",
    "",
  ];
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
