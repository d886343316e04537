import type { TChatMessage } from "@cs/contracts";

/** A message the device is still getting to the server, in the order it was written. */
export type PendingMessage = {
  clientId: string;
  kind: "text" | "image";
  body: string;
  /** An image waiting to go (kept in memory only). */
  image?: Blob;
  /** `sending` (including "waiting for the network") or `failed` (the server refused it). */
  status: "sending" | "failed";
  error?: string;
  createdAt: string;
};

/** The room as this device knows it: confirmed messages by seq, and what is still to send. */
export type ChatState = {
  messages: TChatMessage[];
  pending: PendingMessage[];
  hasEarlier: boolean;
  loaded: boolean;
  lastReadSeq: number;
  /** Where the "new messages" line sits: the read marker when the room was opened. */
  unreadFrom: number | null;
  moderate: boolean;
  typing: Array<{ userId: string; name: string; until: number }>;
};

export const emptyChat = (): ChatState => ({
  messages: [],
  pending: [],
  hasEarlier: false,
  loaded: false,
  lastReadSeq: 0,
  unreadFrom: null,
  moderate: false,
  typing: [],
});

/** The highest seq the device has, with no gap below it (what to catch up from). */
export function contiguousSeq(messages: readonly TChatMessage[]): number {
  let last = messages[0]?.seq ?? 0;
  if (last === 0) {
    return 0;
  }
  for (const message of messages) {
    if (message.seq > last + 1) {
      return last;
    }
    last = message.seq;
  }
  return last;
}

/**
 * Adds messages (from a page, the socket or a send's answer) by seq: a message already there is
 * replaced (a hide, a repeat), never doubled; pending sends that these confirm are dropped.
 */
export function mergeMessages(state: ChatState, incoming: readonly TChatMessage[]): ChatState {
  if (incoming.length === 0) {
    return state;
  }
  const bySeq = new Map(state.messages.map((m) => [m.seq, m]));
  for (const message of incoming) {
    bySeq.set(message.seq, message);
  }
  const confirmed = new Set(incoming.map((m) => m.clientId).filter(Boolean));
  return {
    ...state,
    messages: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
    pending: state.pending.filter((p) => !confirmed.has(p.clientId)),
  };
}

/** A random UUID v4 (crypto.randomUUID needs a secure context; plain http on a LAN has none). */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Text parts and http(s) links of a message, for rendering as text and safe anchors. */
export function splitLinks(text: string): Array<{ text: string; href?: string }> {
  const parts: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"']+/gi)) {
    const start = match.index ?? 0;
    // A sentence's closing punctuation is not part of the link.
    const raw = match[0].replace(/[.,;:!?)]+$/, "");
    let href: string | undefined;
    try {
      const url = new URL(raw);
      href = url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
    } catch {
      href = undefined;
    }
    if (start > last) {
      parts.push({ text: text.slice(last, start) });
    }
    parts.push(href ? { text: raw, href } : { text: raw });
    last = start + raw.length;
  }
  if (last < text.length) {
    parts.push({ text: text.slice(last) });
  }
  return parts;
}
