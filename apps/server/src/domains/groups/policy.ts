import type { DbOrTx } from "@cs/db";
import type { Actor } from "../../platform/auth/permissions.ts";
import { AppError } from "../../platform/errors.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import type { GroupRow } from "./presenter.ts";
import { lockGroup } from "./repo.ts";

/** Admins manage every group; supplier owners and managers the groups of their own supplier. */
export async function canManageGroup(
  db: DbOrTx,
  actor: Actor | null,
  group: Pick<GroupRow, "supplierId">,
): Promise<boolean> {
  if (!actor) {
    return false;
  }
  if (actor.role === "admin") {
    return actor.staffRole === "superadmin" || actor.staffRole === "moderator";
  }
  if (actor.role === "supplier" && (actor.staffRole === "owner" || actor.staffRole === "manager")) {
    return (await supplierIdsOfUser(db, actor.id)).includes(group.supplierId);
  }
  return false;
}

/** Drafts are seen only by those who manage them; everything else is public. */
export async function canSeeGroup(
  db: DbOrTx,
  actor: Actor | null,
  group: GroupRow,
): Promise<boolean> {
  return group.status !== "draft" || (await canManageGroup(db, actor, group));
}

/**
 * Locks a group for a change by someone who manages it. Anyone else gets 404, so that outsiders
 * cannot learn which groups exist.
 */
export async function lockManagedGroup(
  tx: DbOrTx,
  actor: Actor,
  groupId: string,
): Promise<GroupRow> {
  const group = await lockGroup(tx, groupId);
  if (!group || !(await canManageGroup(tx, actor, group))) {
    throw new AppError("not_found", "No such group");
  }
  return group;
}
