import type { Database } from "@cs/db";
import { sql } from "drizzle-orm";
import { createBatcher, retryingAlone } from "../../platform/batcher.ts";
import { newId } from "../../platform/ids.ts";

/** A message handed to a channel driver. */
export interface OutgoingMessage {
  /** E.164 phone number (SMS, WhatsApp) or email address. */
  to: string;
  body: string;
  /** Same key, same message: a driver that sees it again sends nothing new. */
  idempotencyKey: string;
  /** The email subject. */
  subject?: string;
  /** A provider template (WhatsApp): its name, language and values in order. */
  template?: { name: string; language: string; params: string[] };
}

/** A channel as the rest of the platform sees it; local and real providers implement the same. */
export interface ChannelDriver {
  readonly name: string;
  /** Sends; resolves with the provider's id for the message (what its delivery reports name). */
  send(message: OutgoingMessage): Promise<{ providerMessageId?: string }>;
}

/** The SMS channel (OTP codes go straight through it). */
export type SmsDriver = ChannelDriver;

/** A provider refused the message for good (bad number, blacklisted): retrying will not help. */
export class PermanentSendError extends Error {}

/**
 * The embedded default: stores every message in `local_messages`, where developers and testers
 * read it at `/dev/messages`. Nothing leaves the machine. The idempotency key makes a redelivered
 * outbox event store the message once. Messages sent together (a batch of notifications) are
 * stored with one statement.
 */
export function createLocalDriver(
  db: Database,
  channel: "sms" | "email" | "whatsapp",
): ChannelDriver {
  type Row = { id: string; recipient: string; body: string; idempotencyKey: string };
  const store = createBatcher<Row, undefined>({
    maxInFlight: 1,
    maxBatch: 500,
    gatherSameTurn: true,
    // A batch that fails as a whole is stored message by message, so one bad one fails alone.
    run: retryingAlone(async (rows) => {
      await db.execute(sql`
        insert into local_messages (id, channel, recipient, body, idempotency_key)
        select id, ${channel}, recipient, body, "idempotencyKey"
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as v(id uuid, recipient text, body text, "idempotencyKey" text)
        on conflict (idempotency_key) do nothing`);
      return rows.map(() => ({ ok: true, value: undefined }));
    }),
  });
  return {
    name: "local",
    async send({ to, body, subject, idempotencyKey }) {
      const id = newId();
      await store.submit({
        id,
        recipient: to,
        body: subject ? `${subject}\n\n${body}` : body,
        idempotencyKey,
      });
      return { providerMessageId: `local-${id}` };
    },
  };
}
