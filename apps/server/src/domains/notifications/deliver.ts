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

/**
 * `deliverNotification` for a batch of the outbox: the messages read in one statement, then
 * sent a few at a time. Answers each (an error: retry it).
 */
export async function deliverNotifications(
  ctx: AppContext,
  items: ReadonlyArray<{ deliveryId: string; attempt: number }>,
): Promise<Array<{ ok: true } | { ok: false; error: unknown }>> {
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
  }): Promise<{ ok: true } | { ok: false; error: unknown }> => {
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
      // Marked at once: the provider's delivery report names this message id, and it may come
      // back within milliseconds.
      await ctx.db
        .update(notificationDeliveries)
        .set({
          status: "sent",
          driver: driver.name,
          providerMessageId: answer.providerMessageId ?? null,
          attempts: attempt,
          lastError: null,
          sentAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(notificationDeliveries.id, deliveryId),
            eq(notificationDeliveries.status, "queued"),
          ),
        );
      return { ok: true };
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
  const outcomes: Array<{ ok: true } | { ok: false; error: unknown }> = [];
  for (let i = 0; i < items.length; i += SENDS_AT_ONCE) {
    outcomes.push(...(await Promise.all(items.slice(i, i + SENDS_AT_ONCE).map(sendOne))));
  }
  return outcomes;
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
