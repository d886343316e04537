import { queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { enqueue } from "../../platform/outbox.ts";

/** How long before a group's deadline its members hear that the minimum is not met yet. */
export const DEADLINE_WARNING_HOURS = 24;
/** How long before an order's response deadline the supplier is reminded. */
export const RESPONSE_REMINDER_HOURS = 12;

/**
 * The sweep for deadlines coming up: each open group short of its minimum within a day of its
 * deadline, and each order unanswered within hours of its own, is announced once (the event key
 * is recorded in the same transaction as the outbox event; a second sweep finds it taken).
 */
export async function warnOfDeadlines(ctx: AppContext, limit = 200): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const groups = await queryRows<{ id: string }>(
      tx,
      sql`insert into notification_events (event_key)
          select 'deadline_near:' || g.id from groups g
          where g.status = 'open' and g.paid_qty < g.moq and g.deadline > now()
            and g.deadline <= now() + make_interval(hours => ${DEADLINE_WARNING_HOURS})
          limit ${limit}
          on conflict do nothing
          returning substr(event_key, 15) as id`,
    );
    for (const { id } of groups) {
      await enqueue(tx, "notify", { kind: "deadline_near", subjectId: id });
    }
    const orders = await queryRows<{ id: string }>(
      tx,
      sql`insert into notification_events (event_key)
          select 'order_response_due:' || o.id from supplier_orders o
          where o.status = 'pending' and o.respond_by > now()
            and o.respond_by <= now() + make_interval(hours => ${RESPONSE_REMINDER_HOURS})
          limit ${limit}
          on conflict do nothing
          returning substr(event_key, 20) as id`,
    );
    for (const { id } of orders) {
      await enqueue(tx, "notify", { kind: "order_response_due", subjectId: id });
    }
    return groups.length + orders.length;
  });
}
