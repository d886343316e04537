import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Paynow's wire format: form-urlencoded messages whose last field `hash` is the SHA-512 of every
 * other value, in message order and form-decoded once, followed by the integration key; in
 * uppercase hex. The same rule signs what we send and checks what Paynow sends back, its status
 * callbacks and its poll answers.
 */
export type PaynowMessage = ReadonlyArray<readonly [string, string]>;

/** The hash of values in the order given. Keys are lowercased first, as every Paynow SDK does. */
export function paynowHash(values: readonly string[], integrationKey: string): string {
  return createHash("sha512")
    .update(values.join("") + integrationKey.toLowerCase(), "utf8")
    .digest("hex")
    .toUpperCase();
}

/** A message ready to post: the fields in order, then their hash. */
export function encodePaynowMessage(fields: PaynowMessage, integrationKey: string): string {
  const hash = paynowHash(
    fields.map(([, value]) => value),
    integrationKey,
  );
  const entries: [string, string][] = fields.map(([key, value]) => [key, value]);
  return new URLSearchParams([...entries, ["hash", hash]]).toString();
}

/**
 * Reads a message keeping its order and its empty values (dropping either breaks the hash).
 * Keys are lowercased: Paynow's own examples capitalise them at times.
 */
export function decodePaynowMessage(body: string): PaynowMessage {
  return [...new URLSearchParams(body.trim())].map(([key, value]) => [key.toLowerCase(), value]);
}

/** A field's value, or undefined. */
export function paynowField(message: PaynowMessage, name: string): string | undefined {
  return message.find(([key]) => key === name)?.[1];
}

/** True when the message carries the right hash for this key (timing-safe comparison). */
export function hasValidPaynowHash(message: PaynowMessage, integrationKey: string): boolean {
  const given = paynowField(message, "hash");
  if (!given) {
    return false;
  }
  const expected = paynowHash(
    message.filter(([key]) => key !== "hash").map(([, value]) => value),
    integrationKey,
  );
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A Zimbabwe mobile number as Paynow's test numbers and handsets write it: `0771234567`. */
export function toPaynowPhone(e164: string): string {
  return e164.startsWith("+263") ? `0${e164.slice(4)}` : e164;
}
