import type { ZParticipationDetail } from "@cs/contracts";
import { type DbOrTx, groups, participations, payments, refunds } from "@cs/db";
import { desc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "../../platform/auth/permissions.ts";
import { presentPaymentSession } from "../payments/checkout.ts";
import { presentRefund } from "../payments/history.ts";
import { presentParticipation } from "./presenter.ts";

/** "My groups": the trader's shares, newest first, with their payments and refunds. */
export async function listMyParticipations(
  db: DbOrTx,
  actor: Actor,
): Promise<Array<z.infer<typeof ZParticipationDetail>>> {
  const shares = await db
    .select()
    .from(participations)
    .where(eq(participations.traderId, actor.id))
    .orderBy(desc(participations.createdAt))
    .limit(100);
  if (shares.length === 0) {
    return [];
  }
  const ids = shares.map((s) => s.id);
  const [groupRows, paymentRows, refundRows] = await Promise.all([
    db
      .select()
      .from(groups)
      .where(inArray(groups.id, [...new Set(shares.map((s) => s.groupId))])),
    db
      .select()
      .from(payments)
      .where(inArray(payments.participationId, ids))
      .orderBy(desc(payments.createdAt)),
    db
      .select()
      .from(refunds)
      .where(inArray(refunds.participationId, ids))
      .orderBy(desc(refunds.createdAt)),
  ]);
  const groupById = new Map(groupRows.map((g) => [g.id, g]));
  return shares.map((share) => ({
    ...presentParticipation(share, groupById.get(share.groupId)),
    payments: paymentRows
      .filter((p) => p.participationId === share.id)
      .map((p) => presentPaymentSession(p, share.holdExpiresAt)),
    refunds: refundRows.filter((r) => r.participationId === share.id).map(presentRefund),
  }));
}
