import type { DbOrTx } from "@cs/db";
import type { Actor } from "../../platform/auth/permissions.ts";
import { AppError } from "../../platform/errors.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import { canManageGroup } from "../groups/policy.ts";
import { lockOrder, type OrderRow } from "./repo.ts";

/**
 * Who may act on a supplier order: the supplier's owners and managers, and admins who manage
 * groups (the same people who manage the group the order came from).
 */
export function canManageOrder(
  db: DbOrTx,
  actor: Actor | null,
  order: Pick<OrderRow, "supplierId">,
): Promise<boolean> {
  return canManageGroup(db, actor, order);
}

/** The suppliers whose orders the actor may see: null means every supplier (admins). */
export async function visibleSupplierIds(db: DbOrTx, actor: Actor): Promise<string[] | null> {
  if (actor.role === "admin") {
    return null;
  }
  return actor.role === "supplier" ? supplierIdsOfUser(db, actor.id) : [];
}

/** Locks an order for a change by someone who manages it; anyone else gets 404. */
export async function lockManagedOrder(tx: DbOrTx, actor: Actor, id: string): Promise<OrderRow> {
  const order = await lockOrder(tx, id);
  if (!order || !(await canManageOrder(tx, actor, order))) {
    throw new AppError("not_found", "No such order");
  }
  return order;
}
