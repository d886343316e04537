// GET /api/v1/recommendations under load (issue 6): `traders` traders with purchase histories in
// completed groups, `openGroups` open groups to recommend from, a model trained through the admin
// API, then `connections` connections, each request a different trader's.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { createOpenGroups, createRandom, insertGroups } from "./data.mjs";
import { cpuBetween, cpuSnapshot, log, pgCounters, pgPerRequest, sleep } from "./lib.mjs";
import { latencyOf, statusCounts } from "./search.mjs";

/**
 * Completed groups over the catalogue and, for each trader, 2 to 8 collected shares in them over
 * the last 90 days, each trader keeping to a few categories (so there is structure to learn).
 */
async function seedHistories(pool, world, traderIds, seed = 11) {
  const random = createRandom(seed);
  const past = Date.now() - 90 * 86_400_000;
  const closed = await insertGroups(
    pool,
    world,
    world.products.flatMap((product, i) =>
      [0, 1, 2].map((round) => ({
        product,
        points: [world.points[(i + round) % world.points.length]],
        status: "completed",
        moq: 10,
        cap: null,
        title: `${product.name} history ${round}`,
        deadline: new Date(past + (round + 1) * 25 * 86_400_000),
        createdAt: new Date(past + round * 25 * 86_400_000),
      })),
    ),
  );
  const byCategory = new Map();
  closed.forEach((group, i) => {
    const product = world.products[Math.floor(i / 3) % world.products.length];
    const list = byCategory.get(product.category_id) ?? [];
    list.push({ group, product });
    byCategory.set(product.category_id, list);
  });
  const categories = [...byCategory.keys()];
  const rows = { id: [], group: [], trader: [], point: [], currency: [], amount: [], at: [] };
  for (const trader of traderIds) {
    const liked = [0, 1, 2].map(() => random.pick(categories));
    const shares = random.int(2, 8);
    const seen = new Set();
    for (let s = 0; s < shares; s++) {
      const { group, product } = random.pick(byCategory.get(random.pick(liked)));
      if (seen.has(group.id)) {
        continue;
      }
      seen.add(group.id);
      rows.id.push(randomUUID());
      rows.group.push(group.id);
      rows.trader.push(trader);
      rows.point.push(group.display.pickupPoints[0].id);
      rows.currency.push(product.currency);
      rows.amount.push(product.unit_price);
      rows.at.push(new Date(past + random.next() * 88 * 86_400_000).toISOString());
    }
  }
  await pool.query(
    `insert into participations (id, group_id, trader_id, quantity, status, pickup_point_id,
       currency, hold_expires_at, amount_paid, created_at, updated_at)
     select id, g, t, 1, 'collected', p, c, at, a, at, at
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[],
       $7::timestamptz[]) as x(id, g, t, p, c, a, at)`,
    [rows.id, rows.group, rows.trader, rows.point, rows.currency, rows.amount, rows.at],
  );
  await pool.query("analyze participations");
  return { completedGroups: closed.length, shares: rows.id.length };
}

/** Queues a training run as the admin and waits for it to finish. */
async function trainThroughApi(server, adminToken, maxSeconds = 300) {
  const headers = { "content-type": "application/json", authorization: `Bearer ${adminToken}` };
  const queued = await fetch(`${server.url}/api/v1/admin/recommendations/train`, {
    method: "POST",
    headers,
    body: JSON.stringify({}),
  });
  const run = await queued.json();
  if (queued.status !== 202) {
    throw new Error(`training request answered ${queued.status}: ${JSON.stringify(run)}`);
  }
  const until = Date.now() + maxSeconds * 1000;
  while (Date.now() < until) {
    const now = await (
      await fetch(`${server.url}/api/v1/admin/recommendations/train/${run.id}`, { headers })
    ).json();
    if (now.status === "succeeded") {
      return now;
    }
    if (now.status === "failed") {
      throw new Error(`training failed: ${now.error}`);
    }
    await sleep(500);
  }
  throw new Error(`training did not finish within ${maxSeconds} s`);
}

export async function benchRecommendations(
  server,
  pool,
  world,
  { tokens, traderIds, adminToken },
  { openGroups, connections, seconds, warmupSeconds },
) {
  log(`recommendations: histories for ${traderIds.length} traders, ${openGroups} open groups`);
  const history = await seedHistories(pool, world, traderIds);
  await createOpenGroups(pool, world, openGroups, { moq: 50, cap: null, hours: 48 });
  const started = performance.now();
  const run = await trainThroughApi(server, adminToken);
  const trainSeconds = (performance.now() - started) / 1000;
  log(`recommendations: trained in ${trainSeconds.toFixed(1)} s (${run.outcome})`);
  let next = 0;
  const targetOf = (path) => ({
    url: server.url,
    connections,
    timeout: 10,
    requests: [
      {
        method: "GET",
        path,
        setupRequest(request) {
          const token = tokens[next++ % tokens.length];
          return { ...request, headers: { authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  const cannon = (duration, path = "/api/v1/recommendations") =>
    new Promise((resolve, reject) => {
      const instance = autocannon({ ...targetOf(path), duration }, (error, done) =>
        error ? reject(error) : resolve(done),
      );
      instance.on("error", () => {});
    });
  log(`recommendations: warm-up ${warmupSeconds} s`);
  await cannon(warmupSeconds);
  log(`recommendations: ${connections} connections for ${seconds} s`);
  const counters = await pgCounters(pool);
  const before = cpuSnapshot(server.pid);
  const result = await cannon(seconds);
  const cpu = cpuBetween(before, cpuSnapshot(server.pid));
  await sleep(600);
  const probe = await fetch(`${server.url}/api/v1/recommendations`, {
    headers: { authorization: `Bearer ${tokens[0]}` },
  });
  const sample = await probe.json();
  // The floor under any route on this machine at the same concurrency: the liveness route (no
  // sign-in, no database) and the signed-in user (a token checked, one batched read, a small
  // body). A p99 target below these is a target for the machine, not for the route.
  const floor = {};
  const floorPaths =
    process.env.BENCH_RECO_FLOOR === "0"
      ? []
      : [
          ["health", "/health"],
          ["me", "/api/v1/auth/me"],
        ];
  for (const [name, path] of floorPaths) {
    await cannon(2, path);
    const run = await cannon(10, path);
    floor[name] = {
      path,
      reqPerSec: Number((run["2xx"] / run.duration).toFixed(0)),
      latencyMs: latencyOf(run),
      statusCodes: statusCounts(run),
    };
  }
  if (process.env.BENCH_DEBUG) {
    console.error(server.tail(5));
  }
  return {
    data: { traders: traderIds.length, openGroups, ...history },
    training: { seconds: Number(trainSeconds.toFixed(1)), outcome: run.outcome },
    connections,
    seconds: result.duration,
    requests: result.requests.total,
    reqPerSec: Number((result["2xx"] / result.duration).toFixed(0)),
    latencyMs: latencyOf(result),
    statusCodes: statusCounts(result),
    errors: result.errors,
    timeouts: result.timeouts,
    recommendationsPerResponse: sample.items?.length ?? null,
    bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    cpu,
    disturbed: cpu.otherPct > 25,
    databasePerRequest: pgPerRequest(counters, await pgCounters(pool), result.requests.total),
    floor,
    target: { p99Ms: 30, connections: 100 },
  };
}
