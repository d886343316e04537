import { type DbOrTx, users } from "@cs/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../platform/errors.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import { hasShareIn } from "../groups/members.ts";
import type { GroupRow } from "../groups/presenter.ts";
import { findGroup } from "../groups/repo.ts";

/** Who is reading or writing a room, as the chat presenter and services need them. */
export interface ChatViewer {
  id: string;
  name: string;
  role: "trader" | "supplier" | "admin";
  /** Admins who may hide messages (moderators and superadmins). */
  moderator: boolean;
}

export interface ChatAccess {
  group: GroupRow;
  viewer: ChatViewer;
}

/**
 * The room of a group, if this user is in it: traders with a share in the group (live or past),
 * the team of the group's supplier, and admins. Drafts have no room. Works from a user id so
 * that HTTP and sockets ask the very same question.
 */
export async function chatAccess(
  db: DbOrTx,
  userId: string,
  groupId: string,
): Promise<ChatAccess | null> {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      role: users.role,
      staffRole: users.staffRole,
      disabled: users.disabled,
      verified: users.phoneVerifiedAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.disabled || !user.verified) {
    return null;
  }
  const group = await findGroup(db, groupId);
  if (!group || group.status === "draft") {
    return null;
  }
  let member = false;
  if (user.role === "admin") {
    member = true;
  } else if (user.role === "supplier") {
    member = (await supplierIdsOfUser(db, user.id)).includes(group.supplierId);
  } else if (user.role === "trader") {
    member = await hasShareIn(db, group.id, user.id);
  }
  if (!member || user.role === "pickup_agent") {
    return null;
  }
  return {
    group,
    viewer: {
      id: user.id,
      name: user.name,
      role: user.role as ChatViewer["role"],
      moderator:
        user.role === "admin" &&
        (user.staffRole === "superadmin" || user.staffRole === "moderator"),
    },
  };
}

/** As chatAccess, for a request: anyone outside the room gets 404, as if it did not exist. */
export async function requireChatAccess(
  db: DbOrTx,
  userId: string,
  groupId: string,
): Promise<ChatAccess> {
  const access = await chatAccess(db, userId, groupId);
  if (!access) {
    throw new AppError("not_found", "No such group");
  }
  return access;
}
