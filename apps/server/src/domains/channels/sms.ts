import { type Database, localMessages } from "@cs/db";
import { newId } from "../../platform/ids.ts";

/** The SMS channel as the rest of the platform sees it; real providers implement the same. */
export interface SmsDriver {
  readonly name: string;
  send(message: { to: string; body: string; idempotencyKey: string }): Promise<void>;
}

/**
 * The embedded default: stores every message in `local_messages`, where developers and testers
 * read it at `/dev/messages`. Nothing leaves the machine. The idempotency key makes a redelivered
 * outbox event store the message once.
 */
export function createLocalSmsDriver(db: Database): SmsDriver {
  return {
    name: "local",
    async send({ to, body, idempotencyKey }) {
      await db
        .insert(localMessages)
        .values({ id: newId(), channel: "sms", recipient: to, body, idempotencyKey })
        .onConflictDoNothing({ target: localMessages.idempotencyKey });
    },
  };
}
