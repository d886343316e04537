// Plumbing shared by the benchmarks: cleanup on any exit, the server process, the bench database,
// CPU accounting from /proc, and small statistics helpers.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import pg from "pg";

export const root = path.resolve(import.meta.dirname, "../..");

export function log(...parts) {
  const stamp = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${stamp}] ${parts.join(" ")}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Cleanup: every child process and database registers an undo step here. They run (newest first)
// on normal completion, on an error, on SIGINT/SIGTERM/SIGHUP and when the overall deadline hits.

const cleanups = [];
let cleaning = null;

export function onCleanup(step) {
  cleanups.push(step);
  return () => {
    const index = cleanups.indexOf(step);
    if (index >= 0) {
      cleanups.splice(index, 1);
    }
  };
}

export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop();
      try {
        await step();
      } catch (error) {
        log(`cleanup step failed: ${error?.message ?? error}`);
      }
    }
  })();
  return cleaning;
}

/** Installs signal handlers and a hard deadline: the run always ends and always cleans up. */
export function guardProcess(maxSeconds) {
  const bail = (why, code) => {
    log(`stopping: ${why}`);
    cleanup().finally(() => process.exit(code));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => bail(signal, 130));
  }
  process.on("uncaughtException", (error) => bail(`uncaught ${error?.stack ?? error}`, 1));
  process.on("unhandledRejection", (error) => bail(`unhandled ${error?.stack ?? error}`, 1));
  const timer = setTimeout(
    () => bail(`the whole run passed BENCH_MAX_SECONDS=${maxSeconds}`, 1),
    maxSeconds * 1000,
  );
  timer.unref();
}

// ---------------------------------------------------------------------------------------------
// Processes

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const ORPHAN_GUARD = path.join(import.meta.dirname, "orphan-guard.mjs");

/**
 * Starts `node --import tsx apps/server/src/main.ts` with `env` on top of ours and waits for
 * /ready. Output is kept (last 200 lines) for error reports and counted for warnings. The only
 * addition to the plain command is a preload that ends the server if this script dies by SIGKILL.
 */
export async function startServer(
  name,
  env,
  { readyTimeoutMs = 180_000, ready, nodeArgs = [] } = {},
) {
  const port = Number(env.PORT);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "--import", ORPHAN_GUARD, "apps/server/src/main.ts"],
    {
      cwd: root,
      env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines = [];
  let warnings = 0;
  const keep = (chunk) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") {
        continue;
      }
      if (/"level":(40|50|60)/.test(line)) {
        warnings++;
      }
      lines.push(line.slice(0, 2000));
      if (lines.length > 200) {
        lines.shift();
      }
    }
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let alive = true;
  exited.then(() => {
    alive = false;
  });
  const server = {
    name,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    get warnings() {
      return warnings;
    },
    tail: (n = 30) => lines.slice(-n).join("\n"),
    /** Warning/error lines logged so far, grouped by message. */
    warningSummary() {
      const counts = {};
      for (const line of lines) {
        const match = /"level":(40|50|60).*?"msg":"([^"]*)"/.exec(line);
        if (match) {
          // With the error's own message, when the line carries one: "unhandled error" alone
          // says nothing about what to fix.
          const cause = /"err":\{[^}]*?"message":"([^"]{0,160})/.exec(line)?.[1];
          const key = cause ? `${match[2]}: ${cause}` : match[2];
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      return counts;
    },
    async stop() {
      if (!alive) {
        return;
      }
      child.kill("SIGTERM");
      const timeout = sleep(15_000).then(() => "timeout");
      if ((await Promise.race([exited, timeout])) === "timeout") {
        log(`${name} did not stop in 15 s: SIGKILL`);
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
  const undo = onCleanup(() => server.stop());
  server.stop = ((stop) => async () => {
    undo();
    await stop();
  })(server.stop);
  for (;;) {
    if (!alive) {
      throw new Error(`${name} exited before it was ready:\n${server.tail()}`);
    }
    if (performance.now() - started > readyTimeoutMs) {
      await server.stop();
      throw new Error(`${name} was not ready in ${readyTimeoutMs / 1000} s:\n${server.tail()}`);
    }
    try {
      const isReady = ready
        ? await ready(server)
        : (await fetch(`${server.url}/ready`)).status === 200;
      if (isReady) {
        server.startSeconds = (performance.now() - started) / 1000;
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
}

/** The worker process beside an API process (BENCH_ROLES=split), for CPU figures. */
const workerOf = new Map();

/**
 * The server as deployed: one process with both roles (ROLE=all, the default), or with
 * BENCH_ROLES=split the production layout the README describes, an API process (ROLE=api) and a
 * worker process (ROLE=worker) that push real-time updates to it through Redis
 * (BENCH_REDIS_URL, default the local one, under a prefix of this run's own). `server` is the
 * process that answers HTTP; `processes` every process started, for CPU figures.
 */
export async function startDeployment(name, env, options = {}) {
  if (process.env.BENCH_ROLES !== "split") {
    const server = await startServer(name, env, options);
    return { server, processes: [server], roles: "all", stop: () => server.stop() };
  }
  const split = {
    ...env,
    REDIS_URL: process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
    REDIS_PREFIX: `bench${process.pid}:`,
  };
  const server = await startServer(name, { ...split, ROLE: "api" }, options);
  const worker = await startServer(
    `${name}-worker`,
    { ...split, ROLE: "worker", LOG_LEVEL: "info" },
    // A worker answers no HTTP: it is ready once it says it started.
    { ...options, ready: async (self) => self.tail(200).includes("ConnectSphere started") },
  );
  workerOf.set(server.pid, worker.pid);
  return {
    server,
    processes: [server, worker],
    roles: "split",
    async stop() {
      await worker.stop();
      await server.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The bench database: created fresh on the machine's PostgreSQL, dropped at the end.

export const adminUrl = process.env.BENCH_PG_URL || "postgres://postgres@127.0.0.1:5432/test";
const PREFIX = "bench_cs_";

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql, params) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Drops bench databases left by runs that were killed (their process no longer exists). */
export async function dropStaleDatabases() {
  const { rows } = await adminQuery("select datname from pg_database where datname like $1", [
    `${PREFIX}%`,
  ]);
  for (const { datname } of rows) {
    const pid = Number(/^bench_cs_(\d+)_/.exec(datname)?.[1]);
    if (pid && !pidAlive(pid)) {
      log(`dropping ${datname}, left by an earlier run`);
      await adminQuery(`drop database if exists "${datname}" with (force)`);
    }
  }
}

export async function createBenchDatabase() {
  const name = `${PREFIX}${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(`create database "${name}"`);
  onCleanup(async () => {
    await adminQuery(`drop database if exists "${name}" with (force)`);
    log(`dropped database ${name}`);
  });
  return { name, url: withDatabase(adminUrl, name) };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting. Jiffies from /proc for the server process, every PostgreSQL process (live
// backends plus what exited backends left in the postmaster's cutime) and the whole machine; this
// process's own CPU from process.cpuUsage(). Differences between two snapshots give the shares.

const HZ = 100;

function procTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17, ppid=4
    return {
      ppid: Number(fields[1]),
      own: Number(fields[11]) + Number(fields[12]),
      children: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

function postgresJiffies() {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let comm;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (comm !== "postgres" && !comm.startsWith("postgres")) {
      continue;
    }
    const times = procTimes(entry);
    if (!times) {
      continue;
    }
    total += times.own;
    // The postmaster reaps its backends: their CPU lands in its cutime/cstime.
    const parent = procTimes(times.ppid);
    if (parent !== null && readComm(times.ppid) !== "postgres") {
      total += times.children;
    }
  }
  return total;
}

function readComm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function machineJiffies() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  // user nice system idle iowait irq softirq steal
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
  return {
    busy: total - idle,
    total,
    interrupts: (values[5] ?? 0) + (values[6] ?? 0),
    steal: values[7] ?? 0,
  };
}

/** Every process's CPU jiffies, to name whoever else was busy during a run. */
function allProcesses() {
  const out = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const times = procTimes(entry);
    if (times) {
      // Its own CPU plus that of its children that ended (a test runner's short-lived workers).
      out.set(entry, times.own + times.children);
    }
  }
  return out;
}

function commandOf(pid) {
  const comm = readComm(pid);
  if (comm !== "node") {
    return comm;
  }
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).slice(1);
    for (let i = 0; i < args.length; i++) {
      if (["--import", "--require", "-r", "--loader"].includes(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return `node ${args[i].split("/").slice(-2).join("/")}`;
      }
    }
  } catch {
    // gone
  }
  return comm;
}

export function cpuSnapshot(serverPid) {
  const workerPid = workerOf.get(serverPid);
  return {
    at: performance.now(),
    serverPid,
    workerPid,
    server: serverPid ? (procTimes(serverPid)?.own ?? 0) : 0,
    worker: workerPid ? (procTimes(workerPid)?.own ?? 0) : null,
    postgres: postgresJiffies(),
    client: process.cpuUsage(),
    machine: machineJiffies(),
    processes: allProcesses(),
  };
}

/** CPU used between two snapshots, in % of one core (so 200% is both cores of this machine). */
export function cpuBetween(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const pct = (jiffies) => Number(((jiffies / HZ / seconds) * 100).toFixed(0));
  const clientMicros = b.client.user - a.client.user + (b.client.system - a.client.system);
  const cores = cpus().length;
  const machineTotal = Math.max(1, b.machine.total - a.machine.total);
  const share = (jiffies) => Number(((jiffies / machineTotal) * cores * 100).toFixed(0));
  const server = pct(b.server - a.server);
  const worker = a.worker === null || b.worker === null ? null : pct(b.worker - a.worker);
  const postgres = pct(b.postgres - a.postgres);
  const client = Number(((clientMicros / 1e6 / seconds) * 100).toFixed(0));
  const machine = share(b.machine.busy - a.machine.busy);
  const interrupts = share(b.machine.interrupts - a.machine.interrupts);
  const steal = share(b.machine.steal - a.machine.steal);
  // Other processes (not the server, PostgreSQL or this process), summed by command, with the
  // children they reaped in the window: those that used at least 3% of a core. A process that
  // started and ended inside the window is named by its parent, if the parent lived through it.
  const byCommand = new Map();
  for (const [pid, jiffies] of b.processes) {
    const before = a.processes.get(pid);
    if (
      before === undefined ||
      Number(pid) === a.serverPid ||
      Number(pid) === a.workerPid ||
      Number(pid) === process.pid ||
      readComm(pid).startsWith("postgres") ||
      jiffies === before
    ) {
      continue;
    }
    const name = commandOf(pid);
    byCommand.set(name, (byCommand.get(name) ?? 0) + jiffies - before);
  }
  const others = [...byCommand]
    .map(([name, jiffies]) => [pct(jiffies), name])
    .filter(([used]) => used >= 3)
    .sort((x, y) => y[0] - x[0]);
  return {
    seconds: Number(seconds.toFixed(1)),
    serverPct: server,
    postgresPct: postgres,
    clientPct: client,
    machinePct: machine,
    interruptsPct: interrupts,
    stealPct: steal,
    ...(worker === null ? {} : { workerPct: worker }),
    otherPct: Math.max(
      0,
      machine - server - (worker ?? 0) - postgres - client - interrupts - steal,
    ),
    busiestOtherProcesses: others.slice(0, 5).map(([used, name]) => `${used}% ${name}`),
    of: `${cores * 100}%`,
  };
}

// ---------------------------------------------------------------------------------------------
// Facts about this machine, for BENCHMARKS.md.

export async function machineFacts(databaseUrl) {
  let pgVersion = "unknown";
  const client = new pg.Client({ connectionString: databaseUrl ?? adminUrl });
  try {
    await client.connect();
    const { rows } = await client.query(
      "select current_setting('server_version') as v, current_setting('shared_buffers') as sb, current_setting('synchronous_commit') as sc",
    );
    pgVersion = `${rows[0].v} (shared_buffers ${rows[0].sb}, synchronous_commit ${rows[0].sc})`;
  } catch {
    // reported as unknown
  } finally {
    await client.end().catch(() => {});
  }
  let cpuModel = cpus()[0]?.model ?? "cpu";
  if (existsSync("/proc/cpuinfo")) {
    const match = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    cpuModel = match?.[1]?.trim() ?? cpuModel;
  }
  return {
    nproc: cpus().length,
    cpu: cpuModel,
    ramGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    postgres: pgVersion,
    loadAverageAtStart: loadavg().map((v) => Number(v.toFixed(2))),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v) => (v === null ? null : Number(v.toFixed(1)));
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? null),
  };
}

/** A pg pool on the bench database, closed at cleanup. */
export function benchPool(url, max = 4) {
  const pool = new pg.Pool({ connectionString: url, max });
  let ended = false;
  const undo = onCleanup(async () => {
    if (!ended) {
      ended = true;
      await pool.end();
    }
  });
  pool.close = async () => {
    undo();
    if (!ended) {
      ended = true;
      await pool.end();
    }
  };
  return pool;
}

/** The newest outbox event id: events after it were queued by what a benchmark did. */
export async function outboxMark(pool) {
  const { rows } = await pool.query("select coalesce(max(id), 0)::bigint as id from outbox_events");
  return rows[0].id;
}

/** Events queued after `mark` and not yet delivered (nor given up). */
export async function outboxBacklog(pool, mark = 0) {
  const { rows } = await pool.query(
    "select count(*)::int as n from outbox_events where id > $1 and delivered_at is null and dead_at is null",
    [mark],
  );
  return rows[0].n;
}

/** Waits until the events queued after `mark` are delivered; returns the seconds it took. */
export async function waitForOutbox(pool, maxSeconds = 120, mark = 0) {
  const started = performance.now();
  for (;;) {
    const left = await outboxBacklog(pool, mark);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    if (left === 0 || seconds > maxSeconds) {
      return { seconds, left };
    }
    await sleep(250);
  }
}

/**
 * Counters of the bench database (commits, rows) and of the cluster's WAL (records, syncs: the
 * WAL figures are cluster-wide, so they include anything else this PostgreSQL did meanwhile).
 */
export async function pgCounters(pool) {
  const { rows } = await pool.query(`
    select d.xact_commit::bigint as commits, d.xact_rollback::bigint as rollbacks,
      d.tup_inserted::bigint as inserted, d.tup_updated::bigint as updated,
      d.tup_fetched::bigint as fetched, d.blks_read::bigint as blocks_read,
      w.wal_records::bigint as wal_records, w.wal_sync::bigint as wal_syncs
    from pg_stat_database d, pg_stat_wal w where d.datname = current_database()`);
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

/** Differences of pgCounters per `n` requests. PostgreSQL publishes them within ~0.5 s. */
export function pgPerRequest(before, after, n) {
  const out = {};
  for (const key of Object.keys(after)) {
    out[key] = Number(((after[key] - before[key]) / Math.max(1, n)).toFixed(2));
  }
  return out;
}

/** How busy the machine is before a run (in % of one core; 200% = both cores of this machine). */
export async function machineBusy(seconds = 3) {
  const a = machineJiffies();
  await sleep(seconds * 1000);
  const b = machineJiffies();
  return Number(
    (((b.busy - a.busy) / Math.max(1, b.total - a.total)) * cpus().length * 100).toFixed(0),
  );
}

/**
 * Waits (up to `maxSeconds`) until the machine is quiet: below `threshold`% busy over 3 s, so that
 * someone else's build or test run does not land in a measurement. Returns the last reading.
 */
export async function waitForQuiet(maxSeconds, threshold = 30) {
  const started = performance.now();
  for (;;) {
    const busy = await machineBusy(3);
    const waited = (performance.now() - started) / 1000;
    if (busy < threshold || waited >= maxSeconds) {
      if (busy >= threshold) {
        log(`machine still ${busy}% busy after ${waited.toFixed(0)} s: measuring anyway`);
      }
      return { busyPct: busy, waitedSeconds: Number(waited.toFixed(0)) };
    }
  }
}
