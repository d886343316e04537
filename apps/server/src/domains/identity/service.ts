import type { TRole, TStaffRole } from "@cs/contracts";
import type { DbOrTx } from "@cs/db";
import { findUserById } from "./repo.ts";

/** What other domains may know of a user without reading identity's tables. */
export interface UserSummary {
  id: string;
  name: string;
  role: TRole;
  staffRole: TStaffRole | null;
  disabled: boolean;
}

/** A user's name and roles (for supplier teams and the like), or undefined when unknown. */
export async function findUserSummary(
  db: DbOrTx,
  userId: string,
): Promise<UserSummary | undefined> {
  const user = await findUserById(db, userId);
  if (!user) {
    return undefined;
  }
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    staffRole: user.staffRole,
    disabled: user.disabled,
  };
}
