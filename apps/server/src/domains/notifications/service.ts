import type { AppContext } from "../../platform/context.ts";
import type { OutboxTopics } from "../../platform/outbox.ts";
import { type Announcement, announce, announceAll } from "./dispatch.ts";
import { batchReads, directReads, resolveAnnouncement } from "./resolve.ts";

type Outcome = { ok: true } | { ok: false; error: unknown };

/** The `notify` handler: finds who hears about the event and fans it out to their channels. */
export async function notifyRecipients(
  ctx: AppContext,
  payload: OutboxTopics["notify"],
): Promise<void> {
  const announcement = await resolveAnnouncement(ctx, payload);
  if (announcement) {
    await announce(ctx, announcement);
  }
}

/**
 * The `notify` handler for a batch of events: each resolved on its own, all announced in one
 * transaction. If that transaction fails, each is announced alone, so that one bad event
 * holds back no other.
 */
export async function notifyRecipientsAll(
  ctx: AppContext,
  payloads: readonly OutboxTopics["notify"][],
): Promise<Outcome[]> {
  // The rows the events name, read for all of them at once (each alone if that read fails).
  const reads = await batchReads(ctx.db, payloads).catch(() => directReads(ctx.db));
  const resolved = await Promise.all(
    payloads.map((payload) =>
      resolveAnnouncement(ctx, payload, reads).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
  const found = resolved.flatMap((r) => (r.ok && r.value ? [r.value] : []));
  try {
    await announceAll(ctx, found);
    return resolved.map((r) => (r.ok ? { ok: true } : r));
  } catch {
    const alone = async (announcement: Announcement | null): Promise<Outcome> => {
      try {
        if (announcement) {
          await announce(ctx, announcement);
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    };
    const outcomes: Outcome[] = [];
    for (const r of resolved) {
      outcomes.push(r.ok ? await alone(r.value) : r);
    }
    return outcomes;
  }
}
