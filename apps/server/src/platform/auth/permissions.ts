import type { TRole, TStaffRole } from "@cs/contracts";

/** Who is making a request, as every route and policy sees it. */
export interface Actor {
  id: string;
  role: TRole;
  staffRole: TStaffRole | null;
  phoneVerified: boolean;
  language: "en" | "sn" | "nd";
}

type Grant =
  | TRole
  | `admin:${"moderator" | "analyst" | "superadmin"}`
  | `supplier:${"owner" | "manager" | "staff"}`;

/**
 * Every permission a route can require, and who holds it. `admin` alone means any admin level,
 * `admin:superadmin` only that level; the same for supplier team roles.
 */
export const PERMISSIONS = {
  "session:self": ["trader", "supplier", "pickup_agent", "admin"],
  /** One's own notification centre and preferences. */
  "notifications:own": ["trader", "supplier", "pickup_agent", "admin"],
  /** Messages that could not be sent (the dead-letter list) and sending them again. */
  "admin:notifications": ["admin:superadmin", "admin:moderator"],
  "trader:profile": ["trader"],
  "admin:users:read": ["admin"],
  /** Products, tiers and images of the actor's own supplier (admins: any supplier). */
  "catalog:products": ["supplier:owner", "supplier:manager", "admin:superadmin", "admin:moderator"],
  /** Suppliers themselves: create, verify, edit. A supplier owner may edit their own. */
  "catalog:suppliers": ["supplier:owner", "admin:superadmin", "admin:moderator"],
  /** Reference data: categories, markets, pickup points. */
  "catalog:reference": ["admin:superadmin", "admin:moderator"],
  /** Create, open and cancel group offers (suppliers for their own products). */
  "groups:manage": ["supplier:owner", "supplier:manager", "admin:superadmin", "admin:moderator"],
  "groups:join": ["trader"],
  "group_requests:create": ["trader"],
  "group_requests:review": [
    "supplier:owner",
    "supplier:manager",
    "admin:superadmin",
    "admin:moderator",
  ],
  "payments:own": ["trader"],
  "admin:exchange_rates": ["admin:superadmin"],
  "admin:ledger:read": ["admin"],
  /** Supplier orders, invoices and payables of the actor's own supplier (admins: every supplier). */
  "orders:manage": ["supplier:owner", "supplier:manager", "admin:superadmin", "admin:moderator"],
  /** Where the supplier's payouts go: set by its owner (or a superadmin), read by its managers. */
  "payouts:destination": ["supplier:owner", "admin:superadmin"],
  /** Photos of deliveries: the order's managers, and the agent who took them. */
  "orders:photos": [
    "supplier:owner",
    "supplier:manager",
    "admin:superadmin",
    "admin:moderator",
    "pickup_agent",
  ],
  /** The pickup agent's work at their own pickup point: deliveries, scans, handovers, offline. */
  "pickup:agent": ["pickup_agent"],
  /** A trader's own pickup credentials. */
  "pickup:own": ["trader"],
  /** Disputes and flags from fulfilment and pickup, and the decisions on them. */
  "admin:disputes": ["admin:superadmin", "admin:moderator"],
  /** Which pickup point each agent works at. */
  "admin:pickup_agents": ["admin:superadmin"],
  /**
   * Refunds sent by hand, the cash deposit rule, reconciliation findings, cash counts, supplier
   * payouts (making them, payout files, confirming them).
   */
  "admin:payments": ["admin:superadmin"],
  /** A trader's own recommendations and the clicks on them. */
  "recommendations:own": ["trader"],
  /** Recommender models: training, metrics, activation and rollback; reading experiments. */
  "admin:recommendations": ["admin:superadmin", "admin:analyst"],
  /** Creating, starting and stopping A/B tests of the recommender (analysts read the results). */
  "admin:experiments": ["admin:superadmin"],
  /** A group's chat room: its traders, its supplier's team and admins (membership is checked per group). */
  "chat:participate": ["trader", "supplier", "admin"],
  /** Hiding chat messages members reported. */
  "chat:moderate": ["admin:superadmin", "admin:moderator"],
} as const satisfies Record<string, readonly Grant[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when the actor holds the permission. */
export function hasPermission(actor: Actor, permission: Permission): boolean {
  const grants: readonly Grant[] = PERMISSIONS[permission];
  return grants.some((grant) => {
    const [role, staff] = grant.split(":") as [TRole, TStaffRole | undefined];
    return actor.role === role && (staff === undefined || actor.staffRole === staff);
  });
}
