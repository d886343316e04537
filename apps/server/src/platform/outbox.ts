import type { TNotificationKind } from "@cs/contracts";
import { type Database, type DbOrTx, outboxEvents, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import type { FastifyBaseLogger as Logger } from "fastify";

/** Topics and their payloads. Adding a topic here makes enqueue and the handler typed. */
export interface OutboxTopics {
  "sms.send": { to: string; body: string; purpose: string };
  /** The sandbox provider's outgoing webhook (what a real provider would send us). */
  "sandbox.webhook": { url: string; body: string };
  /** Push a group's progress to its real-time room. */
  "realtime.group": { groupId: string };
  /** Push a payment's or refund's status to the trader's room. */
  "realtime.user": { userId: string; kind: "payment" | "refund" | "participation"; id: string };
  /** A group was funded: the fulfilment domain turns it into a supplier order. */
  "group.funded": { groupId: string };
  /** Credentials were issued at a pickup point for an order: text each trader their short code. */
  "pickup.credentials_issued": { orderId: string; pickupPointId: string };
  /** A delivery arrived short: tell the traders of that pickup point. */
  "pickup.short_delivery": { disputeId: string };
  /** A credential changed (handed over, expired, extended): push it to its trader, and the group's pickup progress. */
  "realtime.pickup": { credentialId: string };
  /**
   * A group event worth a pinned message in the group's chat (tier reached, funded, delivered,
   * ready for pickup). `key` makes it once per group, kind and occasion; `params` fill the
   * reader's own-language text.
   */
  "chat.system": {
    groupId: string;
    kind: "tier_reached" | "funded" | "delivered" | "ready_for_pickup";
    key: string;
    params: Record<string, string | number>;
  };
  /**
   * Something happened that people should hear about: the notifications domain finds who (the
   * `userIds` given, or those the subject implies), renders each one's message and fans it out
   * to their channels. `variant` tells apart several events of one kind on one subject.
   */
  notify: { kind: TNotificationKind; subjectId: string; variant?: string; userIds?: string[] };
  /** One rendered message to one user on one channel (SMS, email, WhatsApp). */
  "notify.deliver": { deliveryId: string };
}
export type OutboxTopic = keyof OutboxTopics;

export type OutboxHandler<T extends OutboxTopic> = (
  payload: OutboxTopics[T],
  event: { id: number; attempts: number },
) => Promise<void>;
/**
 * Handles several events of one topic at once (one transaction for a batch of notifications,
 * say): answers each, in order. Where a topic has one, it takes the place of the single handler
 * for the events of that topic a worker claims together.
 */
export type OutboxBatchHandler<T extends OutboxTopic> = (
  events: ReadonlyArray<{ payload: OutboxTopics[T]; event: { id: number; attempts: number } }>,
) => Promise<Array<{ ok: true } | { ok: false; error: unknown }>>;
export type OutboxHandlers = { [T in OutboxTopic]: OutboxHandler<T> } & {
  batches?: { [T in OutboxTopic]?: OutboxBatchHandler<T> };
};

/**
 * Writes an event in the caller's transaction: it is delivered only if that transaction commits,
 * and not before `availableAt` when given.
 */
export async function enqueue<T extends OutboxTopic>(
  tx: DbOrTx,
  topic: T,
  payload: OutboxTopics[T],
  options: { availableAt?: Date } = {},
): Promise<void> {
  await tx.insert(outboxEvents).values({
    topic,
    payload: payload as Record<string, unknown>,
    ...(options.availableAt ? { availableAt: options.availableAt } : {}),
  });
}

/** Several events of one topic in one statement (a batch of joins, say). */
export function enqueueAll<T extends OutboxTopic>(
  tx: DbOrTx,
  topic: T,
  payloads: OutboxTopics[T][],
): Promise<void> {
  return enqueueMixed(
    tx,
    payloads.map((payload) => ({ topic, payload }) as OutboxEvent),
  );
}

/** One event of any topic, for `enqueueMixed`; delivered not before `availableAt` when given. */
export type OutboxEvent = {
  [T in OutboxTopic]: { topic: T; payload: OutboxTopics[T]; availableAt?: Date };
}[OutboxTopic];

/** Events of several topics in one statement (the outcome of a batch of payments, say). */
export async function enqueueMixed(tx: DbOrTx, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length > 0) {
    await tx.execute(sql`
      insert into outbox_events (topic, payload, available_at)
      select topic, payload, coalesce("availableAt", now())
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        as v(topic text, payload jsonb, "availableAt" timestamptz)`);
  }
}

export const OUTBOX_MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 60;

/** Backoff before attempt n+1: 2^n seconds, capped at 30 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(2 ** attempts, 1800);
}

type ClaimedEvent = {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  attempts: number;
};

/**
 * Topics whose handler pushes the current state of something (a group's progress, a payment's
 * status): several such events with the same payload in one batch need only one push.
 */
const COLLAPSIBLE: ReadonlySet<OutboxTopic> = new Set([
  "realtime.group",
  "realtime.user",
  "realtime.pickup",
]);

/**
 * Claims up to `limit` due events and runs their handlers. Claiming is one statement with
 * `FOR UPDATE SKIP LOCKED` that leases the rows (pushes `available_at` forward), so several
 * workers share the work and a worker that dies mid-batch only delays its events by the lease.
 * Handlers run outside any transaction, up to `concurrency` at a time (events carry no order
 * between them: several workers already run them side by side); the delivered events are
 * marked in one statement. Returns how many events were handled.
 */
export async function deliverOutboxBatch(
  db: Database,
  handlers: OutboxHandlers,
  log?: Logger,
  limit = 100,
  concurrency = 1,
): Promise<number> {
  const claimed = await queryRows<ClaimedEvent>(
    db,
    sql`
    update outbox_events set attempts = attempts + 1,
      available_at = now() + make_interval(secs => ${LEASE_SECONDS})
    where id in (
      select id from outbox_events
      where delivered_at is null and dead_at is null and available_at <= now()
      order by available_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, topic, payload, attempts`,
  );
  claimed.sort((a, b) => a.id - b.id);
  // Events in the order they were written; identical state pushes run once, at the last one.
  const runs = new Map<string, ClaimedEvent[]>();
  for (const event of claimed) {
    const key = COLLAPSIBLE.has(event.topic as OutboxTopic)
      ? `${event.topic}:${JSON.stringify(event.payload)}`
      : `#${event.id}`;
    // Re-inserted, so that the run takes the place of its last event.
    const same = runs.get(key) ?? [];
    runs.delete(key);
    same.push(event);
    runs.set(key, same);
  }
  const delivered: number[] = [];
  const fail = async (events: readonly ClaimedEvent[], error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    for (const failed of events) {
      const dead = failed.attempts >= OUTBOX_MAX_ATTEMPTS;
      log?.warn(
        { eventId: failed.id, topic: failed.topic, err: message, dead },
        "outbox delivery failed",
      );
      await db.execute(sql`
        update outbox_events set last_error = ${message.slice(0, 2000)},
          available_at = now() + make_interval(secs => ${backoffSeconds(failed.attempts)}),
          dead_at = ${dead ? sql`now()` : sql`null`}
        where id = ${failed.id}`);
    }
  };
  const run = async (events: ClaimedEvent[]) => {
    const event = events.at(-1) as ClaimedEvent;
    const handler = handlers[event.topic as OutboxTopic] as OutboxHandler<OutboxTopic> | undefined;
    try {
      if (!handler) {
        throw new Error(`no handler for topic ${event.topic}`);
      }
      await handler(event.payload as unknown as OutboxTopics[OutboxTopic], event);
      delivered.push(...events.map((e) => e.id));
    } catch (error) {
      await fail(events, error);
    }
  };
  /** The runs of one topic that has a batch handler, handled in one call. */
  const runBatch = async (topic: OutboxTopic, group: ClaimedEvent[][]) => {
    const handler = handlers.batches?.[topic] as OutboxBatchHandler<OutboxTopic>;
    let outcomes: Array<{ ok: true } | { ok: false; error: unknown }>;
    try {
      outcomes = await handler(
        group.map((events) => {
          const event = events.at(-1) as ClaimedEvent;
          return { payload: event.payload as unknown as OutboxTopics[OutboxTopic], event };
        }),
      );
    } catch (error) {
      outcomes = group.map(() => ({ ok: false, error }));
    }
    for (const [i, events] of group.entries()) {
      const outcome = outcomes[i] ?? {
        ok: false,
        error: new Error("batch left an event unanswered"),
      };
      if (outcome.ok) {
        delivered.push(...events.map((e) => e.id));
      } else {
        await fail(events, outcome.error);
      }
    }
  };
  const jobs: Array<() => Promise<void>> = [];
  const batched = new Map<OutboxTopic, ClaimedEvent[][]>();
  for (const events of runs.values()) {
    const topic = (events.at(-1) as ClaimedEvent).topic as OutboxTopic;
    if (handlers.batches?.[topic]) {
      const group = batched.get(topic) ?? [];
      group.push(events);
      batched.set(topic, group);
    } else {
      jobs.push(() => run(events));
    }
  }
  for (const [topic, group] of batched) {
    jobs.push(() => runBatch(topic, group));
  }
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, concurrency), jobs.length) }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        await job();
      }
    }),
  );
  if (delivered.length > 0) {
    await db.execute(sql`
      update outbox_events set delivered_at = now(), last_error = null
      where id = any(${`{${delivered.join(",")}}`}::bigint[])`);
  }
  return claimed.length;
}

/** Polls the outbox until stopped; several of these may run in several processes. */
export function startOutboxWorker(
  db: Database,
  handlers: OutboxHandlers,
  log: Logger,
  intervalMs = 250,
  concurrency = 1,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await deliverOutboxBatch(db, handlers, log, 100, concurrency)) > 0) {
          // keep draining while there is work
        }
      } catch (error) {
        log.error({ err: error }, "outbox worker tick failed");
      }
      if (!stopped) {
        timer = setTimeout(tick, intervalMs);
      }
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
      }
      await running;
    },
  };
}
