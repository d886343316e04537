import type { TChatSystemKind } from "@cs/contracts";
import type { DbOrTx } from "@cs/db";
import { enqueue } from "../../platform/outbox.ts";

/**
 * Queues a pinned message for a group event in the caller's transaction: posted (once per group,
 * kind and key) only if that transaction commits. Domains where the events happen call this.
 */
export function enqueueChatSystem(
  tx: DbOrTx,
  groupId: string,
  kind: TChatSystemKind,
  key: string,
  params: Record<string, string | number> = {},
): Promise<void> {
  return enqueue(tx, "chat.system", { groupId, kind, key, params });
}
