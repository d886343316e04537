import type { AppContext } from "../../platform/context.ts";
import type { OutboxTopics } from "../../platform/outbox.ts";
import { announce } from "./dispatch.ts";
import { resolveAnnouncement } from "./resolve.ts";

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
