import { type DbOrTx, notificationDeliveries } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
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
/** A message its driver took: recorded as sent with the others of its round. */
type Sent = { id: string; driver: string; providerMessageId: string | null; attempt: number };

/**
 * `deliverNotification` for a batch of the outbox: the messages read in one statement, then
 * sent a few at a time, each round's sent messages recorded in one statement as soon as the
 * round is done (a delivery report that comes before that finds no message and is answered
 * 404, so the provider sends it again). Answers each (an error: retry it).
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
  }): Promise<Outcome | Sent> => {
    const delivery = rows.get(deliveryId);
    if (delivery?.status !== "queued" || delivery.channel === "in_app") {
      return { ok: true };
    }
    const driver = ctx.channels[delivery.channel];
    try {
      const answer = await driver.send({
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
      return {
        id: deliveryId,
        driver: driver.name,
        providerMessageId: answer.providerMessageId ?? null,
        attempt,
      };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const permanent = error instanceof PermanentSendError;
      const dead = !permanent && attempt >= OUTBOX_MAX_ATTEMPTS;
      await ctx.db
        .update(notificationDeliveries)
        .set({
          status: permanent ? "failed" : dead ? "dead" : "queued",
          driver: driver.name,
          attempts: attempt,
          lastError: message,
          updatedAt: sql`now()`,
        })
        .where(eq(notificationDeliveries.id, deliveryId));
      return permanent ? { ok: true } : { ok: false, error };
    }
  };
  const outcomes: Outcome[] = [];
  for (let i = 0; i < items.length; i += SENDS_AT_ONCE) {
    const round = await Promise.all(items.slice(i, i + SENDS_AT_ONCE).map(sendOne));
    const sent = round.filter((r): r is Sent => "id" in r);
    let recorded: Outcome = { ok: true };
    if (sent.length > 0) {
      recorded = await markSent(ctx.db, sent).then(
        (): Outcome => ({ ok: true }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
    }
    outcomes.push(...round.map((r) => ("id" in r ? recorded : r)));
  }
  return outcomes;
}

/** Records messages their drivers took, in one statement; a message no longer queued stays. */
async function markSent(db: DbOrTx, sent: readonly Sent[]): Promise<void> {
  await db.execute(sql`
    update notification_deliveries d
    set status = 'sent', driver = v.driver, provider_message_id = v."providerMessageId",
      attempts = v.attempt, last_error = null, sent_at = now(), updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(sent)}::jsonb)
      as v(id uuid, driver text, "providerMessageId" text, attempt integer)
    where d.id = v.id and d.status = 'queued'`);
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
