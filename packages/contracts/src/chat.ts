import { z } from "zod";

/** Longest chat message, in characters: a few lines on a phone, small on a 2G link. */
export const CHAT_MESSAGE_MAX = 1000;

/** Group events that post a pinned message in the group's room. */
export const CHAT_SYSTEM_KINDS = [
  "tier_reached",
  "funded",
  "delivered",
  "ready_for_pickup",
] as const;
export const ZChatSystemKind = z.enum(CHAT_SYSTEM_KINDS);
export type TChatSystemKind = z.infer<typeof ZChatSystemKind>;

/**
 * Text a person may send: at least one visible character, at most CHAT_MESSAGE_MAX, and no
 * control characters except line breaks and tabs (binary junk is refused, not stored).
 */
export function chatTextProblem(body: string): "empty" | "too_long" | "control" | null {
  if ([...body].length > CHAT_MESSAGE_MAX) {
    return "too_long";
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/.test(body)) {
    return "control";
  }
  if (body.trim().length === 0) {
    return "empty";
  }
  return null;
}

export const ZSendChatMessage = z.object({
  /** Made by the sending device: a retried send with the same id is stored once. */
  clientId: z.uuid(),
  body: z.string().max(CHAT_MESSAGE_MAX * 4),
});
export type TSendChatMessage = z.infer<typeof ZSendChatMessage>;

export const ZChatSender = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(["trader", "supplier", "admin"]),
});

export const ZChatMessage = z.object({
  id: z.string(),
  groupId: z.string(),
  /** Position in the room: 1, 2, 3 … with no gaps, in commit order. */
  seq: z.number().int(),
  kind: z.enum(["text", "image", "system"]),
  sender: ZChatSender.nullable(),
  clientId: z.string().nullable(),
  /** Exactly as typed; null when hidden (for anyone but a moderator) or not text. */
  body: z.string().nullable(),
  /** An image's address in the API (members only). */
  imageUrl: z.string().nullable(),
  system: z
    .object({
      kind: ZChatSystemKind,
      params: z.record(z.string(), z.union([z.string(), z.number()])),
    })
    .nullable(),
  pinned: z.boolean(),
  hidden: z.boolean(),
  /** Moderators only: how many members reported it. */
  reports: z.number().int().optional(),
  createdAt: z.string(),
});
export type TChatMessage = z.infer<typeof ZChatMessage>;

export const ZChatPageQuery = z.object({
  /** Older history: the messages before this seq (newest page when neither is given). */
  before: z.coerce.number().int().min(1).optional(),
  /** Catching up: the messages after this seq, oldest first. */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type TChatPageQuery = z.infer<typeof ZChatPageQuery>;

export const ZChatPage = z.object({
  /** Oldest first. */
  items: z.array(ZChatMessage),
  /** More before the first item (history) or after the last (catch-up). */
  hasMore: z.boolean(),
  lastSeq: z.number().int(),
  lastReadSeq: z.number().int(),
  unread: z.number().int(),
  pinned: z.array(ZChatMessage),
  abilities: z.object({ moderate: z.boolean() }),
});
export type TChatPage = z.infer<typeof ZChatPage>;

export const ZChatRead = z.object({ seq: z.number().int().min(0) });
export const ZChatReadState = z.object({ lastReadSeq: z.number().int(), unread: z.number().int() });
export type TChatReadState = z.infer<typeof ZChatReadState>;

export const ZChatReport = z.object({ reason: z.string().max(500).optional() });

export const ZChatTyping = z.object({ groupId: z.string(), userId: z.string(), name: z.string() });
export type TChatTyping = z.infer<typeof ZChatTyping>;

/** A reported message waiting for a moderator, with what its reporters said. */
export const ZChatReportedMessage = z.object({
  message: ZChatMessage,
  groupCode: z.string(),
  groupTitle: z.string(),
  reasons: z.array(z.string()),
  lastReportedAt: z.string(),
});
export const ZChatReportList = z.object({ items: z.array(ZChatReportedMessage) });
export type TChatReportedMessage = z.infer<typeof ZChatReportedMessage>;
