// GET /api/v1/groups under load: autocannon, a fixed mix of realistic searches, half of them by a
// signed-in trader (who also gets their own share of each group), all accepting compression as a
// browser does.
import autocannon from "autocannon";
import { cpuBetween, cpuSnapshot, log, pgCounters, pgPerRequest, sleep } from "./lib.mjs";

/** The query mix, built from the seeded world so that every filter matches real rows. */
export async function searchMix(server, world, token) {
  const cat = (id) => world.categories.find((c) => c.id === id)?.id ?? world.categories[0].id;
  const market = (id) => world.markets.find((m) => m.id === id)?.id ?? world.markets[0].id;
  const point = world.points[3] ?? world.points[0];
  const supplier = world.products[5]?.supplier_id ?? world.products[0].supplier_id;
  const prices = world.products.map((p) => p.unit_price).sort((a, b) => a - b);
  const lowPrice = prices[Math.floor(prices.length * 0.25)];
  const highPrice = prices[Math.floor(prices.length * 0.75)];
  const soon = new Date(Date.now() + 3 * 24 * 3_600_000).toISOString();
  const base = [
    "",
    "q=maize",
    "q=maize&sort=price",
    "q=cooking%20oil",
    "q=hupfu",
    "q=rice&market=mbare-musika",
    "q=sug",
    `category=${cat("maize-meal")}`,
    `category=${cat("cooking-oil")}&sort=progress`,
    `category=${cat("tomatoes")}&market=${market("mbare-musika")}`,
    `market=${market("glen-view")}`,
    `market=${market("mbare-musika")}&sort=newest`,
    `priceMin=${lowPrice}&priceMax=${highPrice}`,
    `priceMin=${lowPrice}&priceMax=${highPrice}&sort=price&category=${cat("sugar")}`,
    "sort=progress",
    "sort=newest",
    "sort=price",
    "minProgress=50&sort=progress",
    `endsBefore=${encodeURIComponent(soon)}`,
    `pickupPoint=${point.id}`,
    `supplier=${supplier}`,
  ];
  // Second pages: the cursor of the first page of two of the queries above.
  for (const query of ["", "q=maize&sort=price"]) {
    const response = await fetch(`${server.url}/api/v1/groups?${query}`);
    const page = await response.json();
    if (page.nextCursor) {
      base.push(`${query}${query ? "&" : ""}cursor=${page.nextCursor}`);
    }
  }
  const requests = [];
  for (const query of base) {
    for (const signedIn of [false, true]) {
      requests.push({
        method: "GET",
        path: `/api/v1/groups${query ? `?${query}` : ""}`,
        headers: {
          "accept-encoding": "gzip, deflate, br",
          ...(signedIn ? { authorization: `Bearer ${token}` } : {}),
        },
      });
    }
  }
  // Check each once, and note how many groups it finds (first page, limit 20).
  const found = {};
  let jsonBytes = 0;
  for (const request of requests) {
    const response = await fetch(`${server.url}${request.path}`, { headers: request.headers });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`${request.path} answered ${response.status}: ${text}`);
    }
    jsonBytes += Buffer.byteLength(text);
    found[request.path] = JSON.parse(text).items.length;
  }
  return { requests, found, jsonBytesPerResponse: Math.round(jsonBytes / requests.length) };
}

function runCannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    // Keep the bench quiet: no progress bar, no table.
    instance.on("error", () => {});
  });
}

export function latencyOf(result) {
  return {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: Number(result.latency.mean.toFixed(2)),
  };
}

export function statusCounts(result) {
  const counts = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    counts[code] = stat.count;
  }
  return counts;
}

export async function benchSearch(
  server,
  pool,
  world,
  token,
  { connections, seconds, warmupSeconds },
) {
  const { requests, found, jsonBytesPerResponse } = await searchMix(server, world, token);
  const { rows: sizes } = await pool.query(
    `select count(*)::int as groups, avg(pg_column_size(g.*))::int as row_bytes,
       avg(pg_column_size(search_vector))::int as search_vector_bytes,
       avg(pg_column_size(display))::int as display_bytes from groups g`,
  );
  const target = { url: server.url, connections, requests, timeout: 10 };
  log(`search: warm-up ${warmupSeconds} s`);
  await runCannon({ ...target, duration: warmupSeconds });
  log(`search: ${connections} connections for ${seconds} s, ${requests.length} request kinds`);
  const counters = await pgCounters(pool);
  const before = cpuSnapshot(server.pid);
  const result = await runCannon({ ...target, duration: seconds });
  const cpu = cpuBetween(before, cpuSnapshot(server.pid));
  const ok = result["2xx"];
  await sleep(600);
  const database = pgPerRequest(counters, await pgCounters(pool), result.requests.total);
  return {
    connections,
    seconds: result.duration,
    requestKinds: requests.length,
    requests: result.requests.total,
    reqPerSec: Number((ok / result.duration).toFixed(0)),
    latencyMs: latencyOf(result),
    statusCodes: statusCounts(result),
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponseOnTheWire: Math.round(
      result.throughput.total / Math.max(1, result.requests.total),
    ),
    jsonBytesPerResponse,
    groupsTable: sizes[0],
    cpu,
    disturbed: cpu.otherPct > 25,
    databasePerRequest: database,
    groupsFoundPerQuery: found,
    target: { reqPerSec: 3000, p99Ms: 30 },
  };
}
