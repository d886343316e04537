import { auditLog, type DbOrTx } from "@cs/db";
import { newId } from "./ids.ts";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
  requestId?: string;
}

/** Appends to the audit log, in the caller's transaction. */
export async function audit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ id: newId(), ...entry, data: entry.data ?? {} });
}
