import type { PendingMessage } from "./chat-state.ts";

export const outboxKey = (groupId: string, userId: string) => `cs-chat-outbox:${userId}:${groupId}`;

/** Texts not yet sent, kept on the device so a reload while offline loses nothing. */
export function loadOutbox(key: string): PendingMessage[] {
  try {
    const stored = JSON.parse(localStorage.getItem(key) ?? "[]") as PendingMessage[];
    return Array.isArray(stored) ? stored.filter((p) => p.kind === "text") : [];
  } catch {
    return [];
  }
}

export function saveOutbox(key: string, pending: PendingMessage[]): void {
  try {
    const texts = pending.filter((p) => p.kind === "text");
    if (texts.length > 0) {
      localStorage.setItem(key, JSON.stringify(texts));
    } else {
      localStorage.removeItem(key);
    }
  } catch {
    // Storage blocked: the queue still lives in memory.
  }
}
