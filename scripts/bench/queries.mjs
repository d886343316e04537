// Statement counts per request: a second server pair (ROLE=api and ROLE=worker) whose database
// connections go through the counting proxy. Sequential requests, not timed: this says how many
// round trips to PostgreSQL each kind of request makes, which bounds what the timed runs can do.
import { signedSandboxCallback } from "./callbacks.mjs";
import { createOpenGroup } from "./data.mjs";
import { freePort, log, sleep, startServer, waitForOutbox } from "./lib.mjs";
import { perRequest, startPgProxy } from "./pgproxy.mjs";

function viaProxy(url, port, app) {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(port);
  u.searchParams.set("application_name", app);
  return u.toString();
}

function mean(reports) {
  const out = {};
  let total = 0;
  for (const report of reports) {
    total += report.total;
    for (const [label, n] of Object.entries(report.statements)) {
      out[label] = (out[label] ?? 0) + n;
    }
  }
  for (const label of Object.keys(out)) {
    out[label] = Number((out[label] / reports.length).toFixed(2));
  }
  return { total: Number((total / reports.length).toFixed(2)), statements: out };
}

export async function probeQueries({
  dbUrl,
  env,
  pool,
  world,
  tokens,
  searchRequests,
  sandboxSecret,
}) {
  const target = new URL(dbUrl);
  const proxy = await startPgProxy(target.hostname, Number(target.port || 5432));
  const apiPort = await freePort();
  const workerPort = await freePort();
  let api;
  let worker;
  try {
    worker = await startServer(
      "probe-worker",
      {
        ...env,
        PORT: String(workerPort),
        ROLE: "worker",
        DATABASE_URL: viaProxy(dbUrl, proxy.port, "probe_worker"),
      },
      {
        ready: async () =>
          (
            await pool.query(
              "select count(*)::int as n from pg_stat_activity where application_name = 'probe_worker'",
            )
          ).rows[0].n > 0,
      },
    );
    api = await startServer("probe-api", {
      ...env,
      PORT: String(apiPort),
      ROLE: "api",
      DATABASE_URL: viaProxy(dbUrl, proxy.port, "probe_api"),
    });
    const get = (path, headers) => fetch(`${api.url}${path}`, { headers }).then((r) => r.text());

    // Searches: each kind once to warm up, then three times counted.
    const anonymous = [];
    const signedIn = [];
    for (const request of searchRequests) {
      await get(request.path, request.headers);
      const before = proxy.snapshot("probe_api");
      for (let i = 0; i < 3; i++) {
        await get(request.path, request.headers);
      }
      const report = perRequest(before, proxy.snapshot("probe_api"), 3);
      (request.headers.authorization ? signedIn : anonymous).push(report);
    }

    // Joins of a group with room, one at a time.
    const group = await createOpenGroup(pool, world, {
      moq: 100,
      cap: 10_000,
      title: "Probe group",
      product: world.products[3],
    });
    const traders = tokens.slice(0, 30);
    const workerBefore = proxy.snapshot("probe_worker");
    const windowStart = performance.now();
    const { rows: startRow } = await pool.query(
      "select coalesce(max(id), 0) as id from outbox_events",
    );
    const firstEvent = Number(startRow[0].id);
    await fetch(`${api.url}/api/v1/groups/${group.id}/join`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.at(-1)}` },
      body: JSON.stringify({ quantity: 1 }),
    });
    const joinBefore = proxy.snapshot("probe_api");
    const joined = [];
    for (const token of traders) {
      const response = await fetch(`${api.url}/api/v1/groups/${group.id}/join`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ quantity: 1 }),
      });
      const body = await response.json();
      if (response.status !== 201) {
        throw new Error(`probe join answered ${response.status}: ${JSON.stringify(body)}`);
      }
      joined.push(body.payment);
    }
    const join = perRequest(joinBefore, proxy.snapshot("probe_api"), traders.length);

    // Payment webhooks: the provider says paid, the bench delivers the signed webhook.
    await pool.query(
      "update sandbox_transactions set status = 'paid', method = 'ecocash', decided_at = now() where id = any($1)",
      [joined.map((p) => p.checkoutUrl.split("/").pop())],
    );
    const hookBefore = proxy.snapshot("probe_api");
    for (const payment of joined) {
      const { body, signature } = signedSandboxCallback(sandboxSecret, payment);
      const response = await fetch(`${api.url}/api/v1/payments/webhooks/sandbox`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-sandbox-signature": signature },
        body,
      });
      await response.text();
    }
    const webhook = perRequest(hookBefore, proxy.snapshot("probe_api"), joined.length);

    // What the worker did for the events those requests queued (idle polls and sweeps included).
    await waitForOutbox(pool, 60, firstEvent);
    await sleep(200);
    const seconds = (performance.now() - windowStart) / 1000;
    const { rows: topics } = await pool.query(
      "select topic, count(*)::int as n from outbox_events where id > $1 and delivered_at is not null group by topic order by topic",
      [firstEvent],
    );
    const events = topics.reduce((sum, row) => sum + row.n, 0);
    const workerCounts = perRequest(workerBefore, proxy.snapshot("probe_worker"), 1);
    log(
      `queries: counted ${searchRequests.length} search kinds, ${traders.length} joins, ${joined.length} webhooks`,
    );
    return {
      method:
        "statements sent to PostgreSQL per request (a counting proxy; sequential requests, warm server)",
      search: { anonymous: mean(anonymous), signedIn: mean(signedIn) },
      join,
      paymentWebhook: webhook,
      worker: {
        seconds: Number(seconds.toFixed(1)),
        eventsDelivered: Object.fromEntries(topics.map((row) => [row.topic, row.n])),
        statementsInWindow: workerCounts.statements,
        statementsPerEvent: Number((workerCounts.total / Math.max(1, events)).toFixed(2)),
        note: "includes the worker's idle outbox polls (every OUTBOX_POLL_MS) and scheduled sweeps in that window",
      },
    };
  } finally {
    await api?.stop();
    await worker?.stop();
    await proxy.close();
  }
}
