import type { ZPayableList } from "@cs/contracts";
import { type DbOrTx, groups, supplierOrders } from "@cs/db";
import { and, desc, eq, notInArray } from "drizzle-orm";
import type { z } from "zod";

/**
 * What a supplier is owed, group by group: the order's gross less commission (after any
 * shortfall or uncollected refunds). Held until the group completes, then releasable; the ledger
 * moved the same amount from `supplier_payable` to `supplier_releasable` at completion.
 */
export async function listPayables(
  db: DbOrTx,
  supplierId: string,
): Promise<z.infer<typeof ZPayableList>> {
  const rows = await db
    .select({
      order: supplierOrders,
      code: groups.code,
      title: groups.title,
      status: groups.status,
    })
    .from(supplierOrders)
    .innerJoin(groups, eq(groups.id, supplierOrders.groupId))
    .where(
      and(
        eq(supplierOrders.supplierId, supplierId),
        notInArray(supplierOrders.status, ["rejected", "lapsed"]),
      ),
    )
    .orderBy(desc(supplierOrders.id))
    .limit(500);
  const items = rows.map(({ order, code, title, status }) => {
    const releasable = status === "completed";
    return {
      groupId: order.groupId,
      groupCode: code,
      title,
      orderId: order.id,
      orderStatus: order.status,
      currency: order.currency,
      gross: order.gross,
      commission: order.commission,
      net: order.gross - order.commission,
      state: releasable ? ("releasable" as const) : ("held" as const),
      releasedAt: releasable && order.closedAt ? order.closedAt.toISOString() : null,
    };
  });
  const totals = (["USD", "ZWG"] as const)
    .map((currency) => {
      const mine = items.filter((i) => i.currency === currency);
      return {
        currency,
        held: mine.filter((i) => i.state === "held").reduce((sum, i) => sum + i.net, 0),
        releasable: mine.filter((i) => i.state === "releasable").reduce((sum, i) => sum + i.net, 0),
      };
    })
    .filter((t) => t.held !== 0 || t.releasable !== 0);
  return { items, totals };
}
