import { type Database, type DbOrTx, notificationDeliveries } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Batcher, createBatcher, retryingAlone } from "../../platform/batcher.ts";
import type { AppContext } from "../../platform/context.ts";
import { OUTBOX_MAX_ATTEMPTS } from "../../platform/outbox.ts";
import { PermanentSendError } from "../channels/sms.ts";

/**
 * The `notify.deliver` handler: sends one queued message through its channel's driver. A
 * message already sent (a redelivered event) is left alone. A provider error is thrown back to
 * the outbox, which retries with backoff; on the last attempt the message is dead-lettered for
 * admins. A permanent refusal (bad number) is recorded as failed and not retried.
 */
export async function deliverNotification(
  ctx: AppContext,
  deliveryId: string,
  attempt: number,
): Promise<void> {
  const [outcome] = await deliverNotifications(ctx, [{ deliveryId, attempt }]);
  if (outcome && !outcome.ok) {
    throw outcome.error;
  }
}

/** How many messages of a batch go to their drivers at once. */
const SENDS_AT_ONCE = 8;

type Outcome = { ok: true } | { ok: false; error: unknown };
/** A message its driver took, to be recorded as sent. */
type Sent = { id: string; driver: string; providerMessageId: string | null; attempt: number };

const recorders = new WeakMap<Database, Batcher<Sent, undefined>>();

/**
 * Records a message as sent as soon as its driver took it: the provider's delivery report names
 * its message id and may come back within milliseconds (one that comes before this finds no
 * message and is answered 404, so the provider sends it again). Messages taken in the same turn
 * (the local driver answers a round at once) are recorded with one statement; if that fails,
 * each is recorded alone. A message no longer queued is left as it is.
 */
function recordSent(db: Database, sent: Sent): Promise<undefined> {
  let recorder = recorders.get(db);
  if (!recorder) {
    recorder = createBatcher({
      maxInFlight: 2,
      maxBatch: 500,
      gatherSameTurn: true,
      run: retryingAlone(async (rows) => {
        await db.execute(sql`
          update notification_deliveries d
          set status = 'sent', driver = v.driver, provider_message_id = v."providerMessageId",
            attempts = v.attempt, last_error = null, sent_at = now(), updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as v(id uuid, driver text, "providerMessageId" text, attempt integer)
          where d.id = v.id and d.status = 'queued'`);
        return rows.map(() => ({ ok: true, value: undefined }));
      }),
    });
    recorders.set(db, recorder);
  }
  return recorder.submit(sent);
}

/**
 * `deliverNotification` for a batch of the outbox: the messages read in one statement, then
 * sent a few at a time, each recorded as soon as it is sent (see `recordSent`). Answers each,
 * in order (an error: retry it).
 */
export async function deliverNotifications(
  ctx: AppContext,
  items: ReadonlyArray<{ deliveryId: string; attempt: number }>,
): Promise<Outcome[]> {
  const rows = new Map(
    (
      await ctx.db
        .select()
        .from(notificationDeliveries)
        .where(
          inArray(
            notificationDeliveries.id,
            items.map((item) => item.deliveryId),
          ),
        )
    ).map((row) => [row.id, row]),
  );
  const sendOne = async ({
    deliveryId,
    attempt,
  }: {
    deliveryId: string;
    attempt: number;
  }): Promise<Outcome> => {
    const delivery = rows.get(deliveryId);
    if (delivery?.status !== "queued" || delivery.channel === "in_app") {
      return { ok: true };
    }
    const driver = ctx.channels[delivery.channel];
    let answer: { providerMessageId?: string };
    try {
      answer = await driver.send({
        to: delivery.recipient,
        body: delivery.body,
        subject: delivery.channel === "email" ? (delivery.subject ?? undefined) : undefined,
        idempotencyKey: delivery.idempotencyKey,
        template: {
          name: `cs_${delivery.kind}`,
          language: delivery.language,
          params: delivery.params,
        },
      });
    } catch (error) {
      return failed(ctx.db, deliveryId, driver.name, attempt, error);
    }
    try {
      await recordSent(ctx.db, {
        id: deliveryId,
        driver: driver.name,
        providerMessageId: answer.providerMessageId ?? null,
        attempt,
      });
      return { ok: true };
    } catch (error) {
      // Sent but not recorded: the outbox tries again, and a provider that cannot tell a resend
      // (SMS) may deliver it twice; a message lost would be worse.
      return { ok: false, error };
    }
  };
  const outcomes: Outcome[] = [];
  for (let i = 0; i < items.length; i += SENDS_AT_ONCE) {
    outcomes.push(...(await Promise.all(items.slice(i, i + SENDS_AT_ONCE).map(sendOne))));
  }
  return outcomes;
}

/**
 * Records a driver's refusal: a permanent one (bad number) fails the message for good; any other
 * is retried by the outbox until the last attempt, which dead-letters it for admins.
 */
async function failed(
  db: Database,
  deliveryId: string,
  driver: string,
  attempt: number,
  error: unknown,
): Promise<Outcome> {
  const permanent = error instanceof PermanentSendError;
  const dead = !permanent && attempt >= OUTBOX_MAX_ATTEMPTS;
  try {
    await db
      .update(notificationDeliveries)
      .set({
        status: permanent ? "failed" : dead ? "dead" : "queued",
        driver,
        attempts: attempt,
        lastError: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
        updatedAt: sql`now()`,
      })
      .where(eq(notificationDeliveries.id, deliveryId));
  } catch (recording) {
    return { ok: false, error: recording };
  }
  return permanent ? { ok: true } : { ok: false, error };
}

export type ReportedStatus = "sent" | "delivered" | "read" | "failed";

/** Which statuses a report may move a message from: never backwards, never out of failed. */
const FROM: Record<ReportedStatus, ("queued" | "sent" | "delivered")[]> = {
  sent: ["queued"],
  delivered: ["queued", "sent"],
  read: ["queued", "sent", "delivered"],
  failed: ["queued", "sent"],
};

/**
 * Applies a provider's delivery report to the message it names (by the provider's message id).
 * Reports arrive late, twice and out of order; each only moves a message forward. Returns
 * whether a message of ours was named.
 */
export async function applyDeliveryReport(
  db: DbOrTx,
  report: { driver: string; providerMessageId: string; status: ReportedStatus; error?: string },
): Promise<boolean> {
  const named = and(
    eq(notificationDeliveries.driver, report.driver),
    eq(notificationDeliveries.providerMessageId, report.providerMessageId),
  );
  const [known] = await db
    .select({ id: notificationDeliveries.id })
    .from(notificationDeliveries)
    .where(named);
  if (!known) {
    return false;
  }
  await db
    .update(notificationDeliveries)
    .set({
      status: report.status,
      ...(report.error ? { lastError: report.error.slice(0, 500) } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(named, inArray(notificationDeliveries.status, FROM[report.status])));
  return true;
}
