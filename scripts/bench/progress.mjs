// Real-time progress: N socket.io clients watch one group; payments land one at a time and each
// client timestamps the `group:progress` event that shows the new paid quantity.
//  - "commit": the trader has approved at the provider (set in the sandbox's own table, as its
//    checkout page does) and the bench delivers the signed webhook itself; latency runs from the
//    webhook's response (the payment has committed) to the event at each client.
//  - "approve": the trader approves on the sandbox checkout page (POST /sandbox/checkout/:id);
//    the worker delivers the queued webhook, which commits and queues the progress event;
//    latency runs from the checkout page's response to the event at each client.
import { createHmac } from "node:crypto";
import { io } from "socket.io-client";
import { createOpenGroup } from "./data.mjs";
import {
  cpuBetween,
  cpuSnapshot,
  log,
  outboxMark,
  sleep,
  summarize,
  waitForOutbox,
} from "./lib.mjs";

function sign(secret, body) {
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

/** Joins `tokens.length` traders to the group (16 at a time); returns their payments. */
async function joinAll(server, groupId, tokens) {
  const joined = [];
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++];
      const response = await fetch(`${server.url}/api/v1/groups/${groupId}/join`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ quantity: 1 }),
      });
      if (response.status !== 201) {
        throw new Error(`join answered ${response.status}: ${await response.text()}`);
      }
      const body = await response.json();
      joined.push({
        paymentId: body.payment.paymentId,
        sandboxId: body.payment.checkoutUrl.split("/").pop(),
        amount: body.payment.amount,
        currency: body.payment.currency,
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return joined;
}

async function connectWatchers(server, groupId, count) {
  const sockets = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, async () => {
      const socket = io(server.url, {
        path: "/socket.io",
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
        timeout: 20_000,
      });
      await new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      const state = await socket.timeout(20_000).emitWithAck("group:watch", groupId);
      if (state?.groupId !== groupId) {
        throw new Error(`group:watch answered ${JSON.stringify(state)}`);
      }
      return socket;
    });
    sockets.push(...(await Promise.all(batch)));
  }
  log(
    `progress: ${count} watchers connected in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return sockets;
}

/**
 * Sends payments one at a time with `land(payment)` (which resolves when its HTTP call returns)
 * and waits until every watcher has seen paidQty reach the new value (3 s at most), then pauses
 * a random 0-50 ms so that the payments fall at random points of the worker's poll cycle.
 */
async function measure(sockets, payments, startPaid, land) {
  const state = { value: startPaid, waiting: new Set(), arrivals: [], resolve: null };
  const all = [];
  const first = [];
  const last = [];
  const fromRequest = [];
  let lost = 0;
  const handlers = sockets.map((socket, index) => {
    const handler = (progress) => {
      if (progress.paidQty >= state.value && state.waiting.has(index)) {
        state.waiting.delete(index);
        state.arrivals.push(performance.now());
        if (state.waiting.size === 0) {
          state.resolve?.();
        }
      }
    };
    socket.on("group:progress", handler);
    return () => socket.off("group:progress", handler);
  });
  try {
    for (const payment of payments) {
      state.value += 1;
      state.arrivals = [];
      state.waiting = new Set(sockets.map((_, i) => i));
      const done = new Promise((resolve) => {
        state.resolve = resolve;
      });
      const sent = performance.now();
      await land(payment);
      const t0 = performance.now();
      const timedOut = await Promise.race([done.then(() => false), sleep(3000).then(() => true)]);
      if (timedOut) {
        lost += state.waiting.size;
        state.waiting.clear();
      }
      // An event that arrived before the HTTP response was read counts as 0 ms from commit.
      const latencies = state.arrivals.map((at) => Math.max(0, at - t0));
      all.push(...latencies);
      fromRequest.push(...state.arrivals.map((at) => at - sent));
      if (latencies.length > 0) {
        first.push(Math.min(...latencies));
        last.push(Math.max(...latencies));
      }
      await sleep(Math.random() * 50);
    }
  } finally {
    for (const off of handlers) {
      off();
    }
  }
  return {
    payments: payments.length,
    eventsPerPayment: sockets.length,
    eventsLost: lost,
    allClientsMs: summarize(all),
    firstClientMs: summarize(first),
    lastClientMs: summarize(last),
    fromRequestStartMs: summarize(fromRequest),
  };
}

export async function benchProgress(server, pool, world, tokens, options) {
  const { watchers, commitPayments, approvePayments, sandboxSecret } = options;
  const group = await createOpenGroup(pool, world, {
    moq: 1000,
    cap: null,
    title: "Progress group: sugar for Mbare",
    product: world.products[2],
    tiers: [
      { minQty: 1, unitPrice: 1000 },
      { minQty: 100, unitPrice: 950 },
      { minQty: 250, unitPrice: 900 },
    ],
  });
  const total = commitPayments + approvePayments;
  log(`progress: ${total} traders join the watched group`);
  const mark = await outboxMark(pool);
  const joined = await joinAll(server, group.id, tokens.slice(0, total));
  await waitForOutbox(pool, 60, mark);
  const sockets = await connectWatchers(server, group.id, watchers);
  try {
    // The trader approved at the provider: what the sandbox checkout page records, without the
    // webhook it would queue (the bench delivers that itself and times its response).
    const direct = joined.slice(0, commitPayments);
    await pool.query(
      "update sandbox_transactions set status = 'paid', method = 'ecocash', decided_at = now() where id = any($1)",
      [direct.map((p) => p.sandboxId)],
    );
    log(`progress: ${direct.length} payments by webhook, ${watchers} watchers`);
    const before = cpuSnapshot(server.pid);
    const commit = await measure(sockets, direct, 0, async (payment) => {
      const body = JSON.stringify({
        id: `evt_${payment.sandboxId}_paid`,
        type: "transaction.paid",
        created: new Date().toISOString(),
        data: {
          transactionId: payment.sandboxId,
          merchantReference: payment.paymentId,
          amount: payment.amount,
          currency: payment.currency,
          status: "paid",
          method: "ecocash",
        },
      });
      const response = await fetch(`${server.url}/api/v1/payments/webhooks/sandbox`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-sandbox-signature": sign(sandboxSecret, body),
        },
        body,
      });
      const answer = await response.json();
      if (answer.outcome !== "credited") {
        throw new Error(`webhook answered ${response.status} ${JSON.stringify(answer)}`);
      }
    });
    const commitCpu = cpuBetween(before, cpuSnapshot(server.pid));
    log(`progress: ${approvePayments} payments approved on the sandbox checkout page`);
    const before2 = cpuSnapshot(server.pid);
    const approve = await measure(
      sockets,
      joined.slice(commitPayments),
      commitPayments,
      async (payment) => {
        const response = await fetch(`${server.url}/sandbox/checkout/${payment.sandboxId}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "method=ecocash&decision=approve",
          redirect: "manual",
        });
        await response.arrayBuffer();
        if (response.status !== 303) {
          throw new Error(`sandbox checkout answered ${response.status}`);
        }
      },
    );
    const approveCpu = cpuBetween(before2, cpuSnapshot(server.pid));
    const final = (
      await pool.query("select paid_qty, paid_participants from groups where id = $1", [group.id])
    ).rows[0];
    return {
      watchers,
      transport: "websocket",
      commitToEvent: { ...commit, cpu: commitCpu, disturbed: commitCpu.otherPct > 25 },
      approveToEvent: { ...approve, cpu: approveCpu, disturbed: approveCpu.otherPct > 25 },
      groupPaidQtyAtEnd: final.paid_qty,
      target: { p99Ms: 100 },
    };
  } finally {
    for (const socket of sockets) {
      socket.disconnect();
    }
  }
}
