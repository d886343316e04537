// Group chat (issue 7), against a real server process on PostgreSQL, all on 127.0.0.1:
//  - fan-out: 1,000 members of one group's room connected by socket.io (websocket transport,
//    each signed in and joined to the room through `chat:join`, which checks membership); one
//    member sends messages one at a time over HTTP and every client timestamps `chat:message`.
//    The server pushes right after commit and before it answers, so "from the response" is
//    always 0 ms and says nothing. Measured instead: from the message's `createdAt` (now() of
//    its transaction, taken before the commit; same machine, same clock, ms resolution) to each
//    client: an upper bound on commit -> received. Also from the request's start (adds HTTP,
//    auth and the transaction itself);
//  - idle: 10,000 signed-in sockets held open on one server process; its RSS (from
//    /proc/<pid>/status) before and after, with every socket still connected at the end.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";
import { createOpenGroup } from "./data.mjs";
import { cpuBetween, cpuSnapshot, log, sleep, summarize } from "./lib.mjs";

const rssMb = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number((Number(match[1]) / 1024).toFixed(0)) : null;
};

/** Opens `tokens.length` sockets, `batch` at a time; `onSocket` runs once each is connected. */
async function connectMany(url, tokens, { batch = 100, onSocket } = {}) {
  const sockets = [];
  for (let i = 0; i < tokens.length; i += batch) {
    const opened = await Promise.all(
      tokens.slice(i, i + batch).map(async (token) => {
        const socket = io(url, {
          path: "/socket.io",
          transports: ["websocket"],
          reconnection: false,
          forceNew: true,
          timeout: 30_000,
          auth: { token },
        });
        await new Promise((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("connect_error", reject);
        });
        if (onSocket) {
          await onSocket(socket);
        }
        return socket;
      }),
    );
    sockets.push(...opened);
  }
  return sockets;
}

function closeAll(sockets) {
  for (const socket of sockets) {
    socket.close();
  }
}

/** Makes the traders members of the group: past shares (lapsed), which is all the room needs. */
async function addMembers(pool, world, groupId, traderIds) {
  await pool.query(
    `insert into participations (id, group_id, trader_id, quantity, status, pickup_point_id,
       currency, hold_expires_at)
     select gen_random_uuid(), $1, t, 1, 'lapsed', $2, 'USD', now() from unnest($3::uuid[]) t`,
    [groupId, world.points[0].id, traderIds],
  );
}

export async function benchChatFanout(server, pool, world, members, options) {
  const group = await createOpenGroup(pool, world, { moq: 10, cap: null, title: "Chat bench" });
  await addMembers(
    pool,
    world,
    group.id,
    members.map((m) => m.id),
  );
  const started = performance.now();
  const sockets = await connectMany(
    server.url,
    members.map((m) => m.token),
    {
      onSocket: async (socket) => {
        const answer = await socket.timeout(30_000).emitWithAck("chat:join", { groupId: group.id });
        if (!answer?.ok) {
          throw new Error(`chat:join answered ${JSON.stringify(answer)}`);
        }
      },
    },
  );
  const connectSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  log(`chat: ${sockets.length} members in the room in ${connectSeconds} s`);
  const sender = members[0];
  // Arrivals by seq (a push may beat the send's HTTP response, which names the seq).
  const arrivals = new Map();
  const fromTransaction = [];
  const state = { seq: -1, resolve: null };
  for (const socket of sockets) {
    socket.on("chat:message", (message) => {
      const list = arrivals.get(message.seq) ?? [];
      list.push(performance.now());
      arrivals.set(message.seq, list);
      fromTransaction.push(Math.max(0, Date.now() - Date.parse(message.createdAt)));
      if (message.seq === state.seq && list.length === sockets.length) {
        state.resolve?.();
      }
    });
  }
  const all = [];
  const last = [];
  const fromRequest = [];
  let lost = 0;
  const before = cpuSnapshot(server.pid);
  try {
    for (let i = 0; i < options.messages; i++) {
      const sent = performance.now();
      const response = await fetch(`${server.url}/api/v1/groups/${group.id}/chat/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${sender.token}` },
        body: JSON.stringify({ clientId: randomUUID(), body: `Bench message ${i}` }),
      });
      const t0 = performance.now();
      if (response.status !== 201) {
        throw new Error(`send answered ${response.status}: ${await response.text()}`);
      }
      const { seq } = await response.json();
      const done = new Promise((resolve) => {
        state.resolve = resolve;
      });
      state.seq = seq;
      if ((arrivals.get(seq)?.length ?? 0) < sockets.length) {
        await Promise.race([done, sleep(3000)]);
      }
      const got = arrivals.get(seq) ?? [];
      arrivals.delete(seq);
      lost += sockets.length - got.length;
      all.push(...got.map((at) => Math.max(0, at - t0)));
      fromRequest.push(...got.map((at) => at - sent));
      if (got.length > 0) {
        last.push(Math.max(0, Math.max(...got) - t0));
      }
      await sleep(Math.random() * 50);
    }
  } finally {
    closeAll(sockets);
  }
  const cpu = cpuBetween(before, cpuSnapshot(server.pid));
  return {
    members: sockets.length,
    messages: options.messages,
    connectSeconds,
    commitToClient: {
      transactionToClientMs: summarize(fromTransaction),
      afterResponseMs: summarize(all),
      lastClientMs: summarize(last),
      fromRequestStartMs: summarize(fromRequest),
      deliveriesLost: lost,
    },
    cpu,
    disturbed: cpu.otherPct > 25,
  };
}

export async function benchIdleSockets(server, tokens) {
  await sleep(2000);
  const baseline = rssMb(server.pid);
  const started = performance.now();
  const sockets = await connectMany(server.url, tokens, { batch: 200 });
  const connectSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  log(`idle: ${sockets.length} sockets open in ${connectSeconds} s`);
  // Let the connection bursts' garbage go; then hold them idle and sample.
  const samples = [];
  for (let i = 0; i < 10; i++) {
    await sleep(1000);
    samples.push(rssMb(server.pid));
  }
  const connected = sockets.filter((s) => s.connected).length;
  closeAll(sockets);
  return {
    sockets: tokens.length,
    stillConnected: connected,
    connectSeconds,
    serverRssMb: { before: baseline, heldMax: Math.max(...samples), heldLast: samples.at(-1) },
    perSocketKb: Number((((samples.at(-1) - baseline) * 1024) / tokens.length).toFixed(1)),
  };
}
