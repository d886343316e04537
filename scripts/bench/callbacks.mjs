// POST /api/v1/payments/webhooks/sandbox under load (issue 5): `payments` payments waiting, each
// callback delivered twice (half of all callbacks are duplicates, and the two copies race on
// neighbouring connections), `connections` at once. Then SQL checks that every payment was
// captured exactly once and that the ledger balances.
import { createHmac } from "node:crypto";
import autocannon from "autocannon";
import { createOpenGroups } from "./data.mjs";
import { cpuBetween, cpuSnapshot, log, pgCounters, pgPerRequest, sleep } from "./lib.mjs";
import { latencyOf, statusCounts } from "./search.mjs";

/** Joins `tokens.length` traders to the groups, `parallel` at a time: their pending payments. */
async function pendingPayments(server, tokens, groupIds, parallel = 32) {
  const payments = [];
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const i = next++;
      const response = await fetch(
        `${server.url}/api/v1/groups/${groupIds[i % groupIds.length]}/join`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i]}` },
          body: JSON.stringify({ quantity: 1 }),
        },
      );
      const body = await response.json();
      if (response.status !== 201) {
        throw new Error(
          `callbacks set-up: join answered ${response.status}: ${JSON.stringify(body)}`,
        );
      }
      payments.push(body.payment);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return payments;
}

/** The sandbox provider's signed `transaction.paid` webhook for a payment the trader approved. */
export function signedSandboxCallback(secret, payment) {
  const sandboxId = payment.checkoutUrl.split("/").pop();
  const body = JSON.stringify({
    id: `evt_${sandboxId}_paid`,
    type: "transaction.paid",
    data: {
      transactionId: sandboxId,
      merchantReference: payment.paymentId,
      amount: payment.amount,
      currency: payment.currency,
      status: "paid",
      method: "ecocash",
    },
  });
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return { body, signature: `t=${t},v1=${mac}` };
}

export async function benchCallbacks(
  server,
  pool,
  world,
  tokens,
  { payments: count, connections, sandboxSecret },
) {
  log(
    `callbacks: ${count} pending payments, each called back twice over ${connections} connections`,
  );
  const groups = await createOpenGroups(pool, world, Math.ceil(count / 50), {
    moq: 10_000,
    cap: null,
  });
  const payments = await pendingPayments(
    server,
    tokens.slice(0, count),
    groups.map((g) => g.id),
  );
  // The trader approved on the handset: the provider's books say paid, its callback is on the way.
  await pool.query(
    "update sandbox_transactions set status = 'paid', method = 'ecocash', decided_at = now() where id = any($1)",
    [payments.map((p) => p.checkoutUrl.split("/").pop())],
  );
  const callbacks = payments.flatMap((payment) => {
    const one = signedSandboxCallback(sandboxSecret, payment);
    return [one, one];
  });
  let next = 0;
  const counters = await pgCounters(pool);
  const before = cpuSnapshot(server.pid);
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections,
        amount: callbacks.length,
        timeout: 30,
        requests: [
          {
            method: "POST",
            setupRequest(request) {
              const callback = callbacks[Math.min(next++, callbacks.length - 1)];
              return {
                ...request,
                path: "/api/v1/payments/webhooks/sandbox",
                headers: {
                  "content-type": "application/json",
                  "x-sandbox-signature": callback.signature,
                },
                body: callback.body,
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("error", () => {});
  });
  const cpu = cpuBetween(before, cpuSnapshot(server.pid));
  await sleep(500);
  const database = pgPerRequest(counters, await pgCounters(pool), result.requests.total);
  const ids = payments.map((p) => p.paymentId);
  const { rows: captures } = await pool.query(
    `select count(*)::int as entries, count(distinct reference_id)::int as payments
     from journal_entries where kind = 'payment_captured' and reference_id = any($1::text[])`,
    [ids],
  );
  const { rows: paid } = await pool.query(
    "select count(*)::int as n from payments where id = any($1::uuid[]) and status = 'succeeded'",
    [ids],
  );
  const { rows: unbalanced } = await pool.query(
    `select count(*)::int as n from (select entry_id from journal_lines l
       join journal_entries e on e.id = l.entry_id
       group by entry_id, l.currency having sum(l.amount) <> 0) x`,
  );
  const check = {
    payments: count,
    paid: paid[0].n,
    captureEntries: captures[0].entries,
    paymentsCaptured: captures[0].payments,
    unbalancedEntries: unbalanced[0].n,
  };
  check.ok =
    check.paid === count &&
    check.captureEntries === count &&
    check.paymentsCaptured === count &&
    check.unbalancedEntries === 0;
  return {
    connections,
    callbacks: result.requests.total,
    duplicates: callbacks.length - payments.length,
    seconds: result.duration,
    callbacksPerSec: Number((result.requests.total / result.duration).toFixed(0)),
    latencyMs: latencyOf(result),
    statusCodes: statusCounts(result),
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
    disturbed: cpu.otherPct > 25,
    databasePerCallback: database,
    check,
  };
}
