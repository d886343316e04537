// POST /api/v1/groups/:id/join under load: autocannon with a body and a distinct trader's token
// per request (setupRequest), then SQL checks that no group sold more than its cap.
import autocannon from "autocannon";
import { createOpenGroup, createOpenGroups } from "./data.mjs";
import {
  cpuBetween,
  cpuSnapshot,
  log,
  outboxBacklog,
  outboxMark,
  pgCounters,
  pgPerRequest,
  sleep,
  waitForOutbox,
} from "./lib.mjs";
import { latencyOf, statusCounts } from "./search.mjs";

const LIVE = "('reserved', 'paid', 'ready_for_pickup', 'collected')";

/**
 * `attempts` joins of quantity 1 over `connections` connections; request i is made by trader
 * `tokens[offset + i]` on group `groupIds[i % groupIds.length]`. Stops after `maxSeconds` at the
 * latest (then fewer attempts are reported).
 */
async function runJoins(
  server,
  pool,
  tokens,
  groupIds,
  { attempts, connections, offset = 0, maxSeconds },
) {
  if (offset + attempts > tokens.length) {
    throw new Error(`need ${offset + attempts} traders, have ${tokens.length}`);
  }
  let next = 0;
  let stoppedAtTimeLimit = false;
  const body = JSON.stringify({ quantity: 1 });
  const counters = await pgCounters(pool);
  const before = cpuSnapshot(server.pid);
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections,
        amount: attempts,
        timeout: 30,
        requests: [
          {
            method: "POST",
            setupRequest(request) {
              const i = next++;
              // autocannon may prepare a few requests past `amount`; they are never sent.
              const trader = tokens[offset + Math.min(i, attempts - 1)];
              return {
                ...request,
                path: `/api/v1/groups/${groupIds[i % groupIds.length]}/join`,
                headers: {
                  "content-type": "application/json",
                  authorization: `Bearer ${trader}`,
                },
                body,
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("error", () => {});
    const stopper = setTimeout(() => {
      log(`joins: stopping at the ${maxSeconds} s limit`);
      stoppedAtTimeLimit = true;
      instance.stop();
    }, maxSeconds * 1000);
    instance.once("done", () => clearTimeout(stopper));
  });
  const cpu = cpuBetween(before, cpuSnapshot(server.pid));
  const codes = statusCounts(result);
  const sent = result.requests.total;
  await sleep(600);
  const database = pgPerRequest(counters, await pgCounters(pool), sent);
  return {
    connections,
    stoppedAtTimeLimit,
    attempts: sent,
    seconds: result.duration,
    joined: codes["201"] ?? 0,
    joinsPerSec: Number(((codes["201"] ?? 0) / result.duration).toFixed(0)),
    attemptsPerSec: Number((sent / result.duration).toFixed(0)),
    latencyMs: latencyOf(result),
    statusCodes: codes,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
    disturbed: cpu.otherPct > 25,
    databasePerAttempt: database,
  };
}

/** Caps held, and the group's counters equal what its live participations add up to. */
async function verifyGroups(pool, groupIds) {
  const { rows } = await pool.query(
    `select g.id, g.cap, g.held_qty, g.paid_qty,
       coalesce(p.n, 0)::int as live, coalesce(p.units, 0)::int as units
     from groups g left join (
       select group_id, count(*) as n, sum(quantity) as units from participations
       where status in ${LIVE} group by group_id) p on p.group_id = g.id
     where g.id = any($1::uuid[])`,
    [groupIds],
  );
  let oversold = 0;
  let mismatched = 0;
  let live = 0;
  let units = 0;
  for (const row of rows) {
    live += row.live;
    units += row.units;
    if (row.cap !== null && (row.units > row.cap || row.held_qty + row.paid_qty > row.cap)) {
      oversold++;
    }
    if (row.held_qty + row.paid_qty !== row.units) {
      mismatched++;
    }
  }
  const payments = (
    await pool.query(
      "select count(*)::int as n from payments where group_id = any($1::uuid[]) and status = 'pending'",
      [groupIds],
    )
  ).rows[0].n;
  const duplicates = (
    await pool.query(
      `select count(*)::int as n from (select group_id, trader_id from participations
       where group_id = any($1::uuid[]) and status in ${LIVE} group by 1, 2 having count(*) > 1) d`,
      [groupIds],
    )
  ).rows[0].n;
  const one = rows.length === 1 ? rows[0] : null;
  return {
    groups: rows.length,
    liveParticipations: live,
    unitsReserved: units,
    pendingPayments: payments,
    groupsOverCap: oversold,
    groupsWhoseCountersDisagree: mismatched,
    duplicateShares: duplicates,
    ...(one ? { cap: one.cap, heldQty: one.held_qty, paidQty: one.paid_qty } : {}),
  };
}

/**
 * What the worker still had to do when the load stopped, and how fast it catches up. It gets
 * `drainSeconds` to deliver the backlog; what is left after that (progress pushes to rooms nobody
 * watches in this benchmark) is marked delivered, so that the next run starts with an empty
 * outbox and the whole bench stays within its time budget. The rate gives the full drain time.
 */
async function afterRun(pool, name, mark, drainSeconds) {
  const backlog = await outboxBacklog(pool, mark);
  const queued = (
    await pool.query("select count(*)::int as n from outbox_events where id > $1", [mark])
  ).rows[0].n;
  log(
    `${name}: outbox backlog ${backlog} of ${queued}; the worker gets ${drainSeconds} s to drain it`,
  );
  const drained = await waitForOutbox(pool, drainSeconds, mark);
  const rate = (backlog - drained.left) / Math.max(0.1, drained.seconds);
  let discarded = 0;
  if (drained.left > 0) {
    discarded = (
      await pool.query(
        `update outbox_events set delivered_at = now(), last_error = 'discarded by the benchmark'
         where id > $1 and delivered_at is null and dead_at is null and topic = 'realtime.group'`,
        [mark],
      )
    ).rowCount;
    await waitForOutbox(pool, 30, mark);
  }
  return {
    outboxQueuedDuringRun: queued,
    outboxBacklogAtEnd: backlog,
    outboxDrainedPerSecondAfterLoad: Math.round(rate),
    outboxDrainSeconds:
      drained.left > 0 ? Math.round(backlog / Math.max(1, rate)) : drained.seconds,
    outboxDrainEstimated: drained.left > 0,
    outboxDiscardedAfterWait: discarded,
  };
}

/** The live shares match the 201s; a run stopped by its time limit may have had some in flight. */
function sharesMatch(check, run, stoppedEarly) {
  const extra = check.liveParticipations - run.joined;
  return stoppedEarly ? extra >= 0 && extra <= run.connections : extra === 0;
}

/** One hot group: `attempts` distinct traders join a group with room for all of them. */
export async function benchHotJoins(server, pool, world, tokens, options) {
  const group = await createOpenGroup(pool, world, {
    moq: 50_000,
    cap: options.cap,
    title: "Hot group: maize meal for all of Harare",
  });
  await sleep(300);
  log(
    `joins (hot): ${options.attempts} attempts, ${options.connections} connections, cap ${options.cap}`,
  );
  const mark = await outboxMark(pool);
  const run = await runJoins(server, pool, tokens, [group.id], options);
  const drain = await afterRun(pool, "joins (hot)", mark, options.drainSeconds);
  const check = await verifyGroups(pool, [group.id]);
  return {
    ...run,
    ...drain,
    check: {
      ...check,
      ok:
        check.groupsOverCap === 0 &&
        check.groupsWhoseCountersDisagree === 0 &&
        check.duplicateShares === 0 &&
        sharesMatch(check, run, run.stoppedAtTimeLimit),
    },
    target: { joinsPerSec: 2000, p99Ms: 50 },
  };
}

/** A small cap: exactly `cap` of `attempts` joins may succeed. */
export async function benchCappedJoins(server, pool, world, tokens, options) {
  const group = await createOpenGroup(pool, world, {
    moq: Math.min(100, options.cap),
    cap: options.cap,
    title: "Capped group: one pallet of cooking oil",
    product: world.products[1],
  });
  log(
    `joins (cap ${options.cap}): ${options.attempts} attempts, ${options.connections} connections`,
  );
  const mark = await outboxMark(pool);
  const run = await runJoins(server, pool, tokens, [group.id], options);
  const drain = await afterRun(pool, "joins (capped)", mark, options.drainSeconds);
  const check = await verifyGroups(pool, [group.id]);
  return {
    ...run,
    ...drain,
    check: {
      ...check,
      ok:
        run.joined === options.cap &&
        check.liveParticipations === options.cap &&
        check.heldQty === options.cap &&
        check.groupsOverCap === 0,
    },
  };
}

/** The same load spread over many groups. */
export async function benchSpreadJoins(server, pool, world, tokens, options) {
  const groups = await createOpenGroups(pool, world, options.groups, {
    moq: 50,
    cap: Math.max(50, Math.ceil((options.attempts / options.groups) * 1.5)),
  });
  await sleep(300);
  log(
    `joins (spread over ${options.groups} groups): ${options.attempts} attempts, ${options.connections} connections`,
  );
  const ids = groups.map((g) => g.id);
  const mark = await outboxMark(pool);
  const run = await runJoins(server, pool, tokens, ids, options);
  const drain = await afterRun(pool, "joins (spread)", mark, options.drainSeconds);
  const check = await verifyGroups(pool, ids);
  return {
    groups: options.groups,
    ...run,
    ...drain,
    check: {
      ...check,
      ok:
        check.groupsOverCap === 0 &&
        check.groupsWhoseCountersDisagree === 0 &&
        check.duplicateShares === 0 &&
        sharesMatch(check, run, run.stoppedAtTimeLimit),
    },
    target: { joinsPerSec: 5000 },
  };
}
