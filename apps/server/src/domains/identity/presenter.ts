import type { TUser } from "@cs/contracts";
import type { UserRow } from "./repo.ts";

/** The public shape of a user, for the user themself and for admins. */
export function presentUser(user: UserRow): TUser {
  return {
    id: user.id,
    phone: user.phone,
    email: user.email,
    name: user.name,
    language: user.language,
    role: user.role,
    staffRole: user.staffRole,
    phoneVerified: user.phoneVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
