import {
  type Database,
  type DbOrTx,
  type disputes,
  groups,
  invoices,
  orderDrops,
  supplierOrders,
  suppliers,
  type Tx,
} from "@cs/db";
import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

export type OrderRow = typeof supplierOrders.$inferSelect;
export type DropRow = typeof orderDrops.$inferSelect;
export type DisputeRow = typeof disputes.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;

/** An order with what presenting it needs: its group, supplier, drops and invoice. */
export interface OrderRecord {
  order: OrderRow;
  group: Pick<
    typeof groups.$inferSelect,
    "id" | "code" | "title" | "status" | "display" | "supplierId" | "currency"
  >;
  supplierName: string;
  drops: DropRow[];
  invoice: Pick<InvoiceRow, "number" | "issuedAt"> | null;
}

const groupFields = {
  id: groups.id,
  code: groups.code,
  title: groups.title,
  status: groups.status,
  display: groups.display,
  supplierId: groups.supplierId,
  currency: groups.currency,
};

export async function findOrder(db: DbOrTx, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(supplierOrders).where(eq(supplierOrders.id, id));
  return row;
}

export async function findOrderOfGroup(db: DbOrTx, groupId: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(supplierOrders).where(eq(supplierOrders.groupId, groupId));
  return row;
}

/** Locks the order row for the rest of the transaction. */
export async function lockOrder(db: DbOrTx, id: string): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(supplierOrders)
    .where(eq(supplierOrders.id, id))
    .for("update");
  return row;
}

export async function dropsOf(db: DbOrTx, orderIds: string[]): Promise<DropRow[]> {
  if (orderIds.length === 0) {
    return [];
  }
  return db
    .select()
    .from(orderDrops)
    .where(inArray(orderDrops.orderId, orderIds))
    .orderBy(asc(orderDrops.pickupPointId));
}

/** Orders with their group, supplier, drops and invoice, newest first, cursor by id. */
export async function listOrderRecords(
  db: DbOrTx,
  filter: { supplierIds?: string[]; status?: OrderRow["status"]; ids?: string[] },
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: OrderRecord[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (filter.supplierIds) {
    if (filter.supplierIds.length === 0) {
      return { items: [], nextCursor: null };
    }
    where.push(inArray(supplierOrders.supplierId, filter.supplierIds));
  }
  if (filter.ids) {
    where.push(inArray(supplierOrders.id, filter.ids));
  }
  if (filter.status) {
    where.push(eq(supplierOrders.status, filter.status));
  }
  if (page.cursor) {
    where.push(lt(supplierOrders.id, page.cursor));
  }
  const rows = await db
    .select({
      order: supplierOrders,
      group: groupFields,
      supplierName: suppliers.businessName,
      invoiceNumber: invoices.number,
      invoiceIssuedAt: invoices.issuedAt,
    })
    .from(supplierOrders)
    .innerJoin(groups, eq(groups.id, supplierOrders.groupId))
    .innerJoin(suppliers, eq(suppliers.id, supplierOrders.supplierId))
    .leftJoin(invoices, eq(invoices.orderId, supplierOrders.id))
    .where(and(...where))
    .orderBy(desc(supplierOrders.id))
    .limit(page.limit + 1);
  const pageRows = rows.slice(0, page.limit);
  const drops = await dropsOf(
    db,
    pageRows.map((r) => r.order.id),
  );
  return {
    items: pageRows.map((r) => ({
      order: r.order,
      group: r.group,
      supplierName: r.supplierName,
      drops: drops.filter((d) => d.orderId === r.order.id),
      invoice:
        r.invoiceNumber !== null && r.invoiceIssuedAt !== null
          ? { number: r.invoiceNumber, issuedAt: r.invoiceIssuedAt }
          : null,
    })),
    nextCursor: rows.length > page.limit ? (pageRows.at(-1)?.order.id ?? null) : null,
  };
}

export async function findOrderRecord(db: DbOrTx, id: string): Promise<OrderRecord | undefined> {
  const { items } = await listOrderRecords(db, { ids: [id] }, { limit: 1 });
  return items[0];
}

/**
 * Runs a sweep over the orders `due` selects: each is re-checked and claimed in its own
 * transaction with `FOR UPDATE SKIP LOCKED`, so several workers share the work and none handles
 * an order another holds or one that is no longer due. Returns how many `handle` acted on.
 */
export async function sweepOrders(
  db: Database,
  due: SQL,
  orderBy: SQL | PgColumn,
  limit: number,
  handle: (tx: Tx, order: OrderRow) => Promise<boolean>,
): Promise<number> {
  const candidates = await db
    .select({ id: supplierOrders.id })
    .from(supplierOrders)
    .where(due)
    .orderBy(orderBy)
    .limit(limit);
  let handled = 0;
  for (const { id } of candidates) {
    const done = await db.transaction(async (tx) => {
      const [order] = await tx
        .select()
        .from(supplierOrders)
        .where(and(eq(supplierOrders.id, id), due))
        .for("update", { skipLocked: true });
      return order ? handle(tx, order) : false;
    });
    handled += done ? 1 : 0;
  }
  return handled;
}
