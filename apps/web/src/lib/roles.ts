import type { TUser } from "@cs/contracts";

/**
 * Who gets the "Manage" area: supplier owners and managers (their own products, group offers and
 * trader requests) and admins who may manage groups (superadmins and moderators). Mirrors the
 * server's `groups:manage` permission; the server still decides every request.
 */
export function canManage(user: TUser | null | undefined): boolean {
  if (!user) {
    return false;
  }
  if (user.role === "supplier") {
    return user.staffRole === "owner" || user.staffRole === "manager";
  }
  return (
    user.role === "admin" && (user.staffRole === "superadmin" || user.staffRole === "moderator")
  );
}

/** An admin in the Manage area: picks the supplier to work on and sees the exchange rate. */
export function isManagingAdmin(user: TUser | null | undefined): boolean {
  return user?.role === "admin" && canManage(user);
}

/** Only superadmins set the USD→ZiG rate (`admin:exchange_rates`). */
export function canSetRate(user: TUser | null | undefined): boolean {
  return user?.role === "admin" && user.staffRole === "superadmin";
}

/** Recommender models and training (`admin:recommendations`): superadmins in the Manage area. */
export function canTrainRecommender(user: TUser | null | undefined): boolean {
  return user?.role === "admin" && user.staffRole === "superadmin";
}
