import { z } from "zod";
import { ZCurrency } from "./common.ts";
import { ZGroupStatus } from "./groups.ts";

export const ORDER_STATUSES = [
  "pending",
  "accepted",
  "dispatched",
  "delivered",
  "received",
  "rejected",
  "lapsed",
] as const;
export const ZOrderStatus = z.enum(ORDER_STATUSES);
export type TOrderStatus = z.infer<typeof ZOrderStatus>;

export const DROP_CONDITIONS = ["good", "damaged", "mixed"] as const;
export const ZDropCondition = z.enum(DROP_CONDITIONS);

/** One pickup point's part of a supplier order, and what its agent checked in. */
export const ZOrderDrop = z.object({
  pickupPoint: z.object({ id: z.string(), name: z.string(), address: z.string() }),
  quantity: z.number().int(),
  participantCount: z.number().int(),
  status: z.enum(["pending", "received", "short"]),
  receivedQty: z.number().int().nullable(),
  condition: ZDropCondition.nullable(),
  notes: z.string().nullable(),
  /** The agent's photo of the delivery (fetch it with the access token), if one was taken. */
  photoUrl: z.string().nullable(),
  receivedAt: z.string().nullable(),
});
export type TOrderDrop = z.infer<typeof ZOrderDrop>;

/** A supplier order: what a funded group asks of its supplier, and how far it has got. */
export const ZSupplierOrder = z.object({
  id: z.string(),
  status: ZOrderStatus,
  group: z.object({ id: z.string(), code: z.string(), title: z.string(), status: ZGroupStatus }),
  supplier: z.object({ id: z.string(), name: z.string() }),
  product: z.object({ id: z.string(), name: z.string(), unit: z.string() }),
  currency: ZCurrency,
  quantity: z.number().int(),
  /** The group's final tier price, minor units. */
  unitPrice: z.number().int(),
  /** What the traders paid for the goods (minor units); less any shortfall or uncollected refunds. */
  gross: z.number().int(),
  commission: z.number().int(),
  /** gross − commission: what the supplier is owed. */
  netToSupplier: z.number().int(),
  participantCount: z.number().int(),
  respondBy: z.string(),
  deliveryDate: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  trackingNote: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  collectableQty: z.number().int(),
  collectedQty: z.number().int(),
  pickupClosesAt: z.string().nullable(),
  drops: z.array(ZOrderDrop),
  invoice: z.object({ number: z.string(), issuedAt: z.string() }).nullable(),
  createdAt: z.string(),
  abilities: z.object({
    accept: z.boolean(),
    reject: z.boolean(),
    dispatch: z.boolean(),
    deliver: z.boolean(),
    invoice: z.boolean(),
  }),
});
export type TSupplierOrder = z.infer<typeof ZSupplierOrder>;

export const ZOrderListQuery = z.strictObject({
  status: ZOrderStatus.optional(),
  supplierId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const ZOrderList = z.object({
  items: z.array(ZSupplierOrder),
  nextCursor: z.string().nullable(),
});

export const ZAcceptOrder = z.strictObject({
  /** When the goods will be at the pickup point(s), `YYYY-MM-DD` (Harare date). */
  deliveryDate: z.iso.date(),
});
export const ZRejectOrder = z.strictObject({ reason: z.string().trim().min(3).max(500) });
export const ZDispatchOrder = z.strictObject({
  trackingNote: z.string().trim().min(1).max(500).optional(),
});

/** What a supplier is owed for one group. */
export const ZPayable = z.object({
  groupId: z.string(),
  groupCode: z.string(),
  title: z.string(),
  orderId: z.string(),
  orderStatus: ZOrderStatus,
  currency: ZCurrency,
  gross: z.number().int(),
  commission: z.number().int(),
  net: z.number().int(),
  /** held: the group is not completed yet; releasable: completed, may be paid out. */
  state: z.enum(["held", "releasable"]),
  releasedAt: z.string().nullable(),
});
export const ZPayableList = z.object({
  items: z.array(ZPayable),
  totals: z.array(
    z.object({ currency: ZCurrency, held: z.number().int(), releasable: z.number().int() }),
  ),
});

// ---------- disputes (admin) ----------

export const DISPUTE_KINDS = [
  "short_delivery",
  "double_collection",
  "invalid_offline_proof",
  "stale_offline_record",
  "uncollected",
] as const;
export const ZDisputeKind = z.enum(DISPUTE_KINDS);

export const ZDispute = z.object({
  id: z.string(),
  kind: ZDisputeKind,
  status: z.enum(["open", "resolved"]),
  groupId: z.string(),
  groupCode: z.string(),
  orderId: z.string().nullable(),
  pickupPointId: z.string().nullable(),
  credentialId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  resolution: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  /** The resolutions this dispute accepts. */
  resolutions: z.array(z.string()),
});
export type TDispute = z.infer<typeof ZDispute>;

export const ZDisputeListQuery = z.strictObject({
  status: z.enum(["open", "resolved"]).optional(),
  kind: ZDisputeKind.optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const ZDisputeList = z.object({
  items: z.array(ZDispute),
  nextCursor: z.string().nullable(),
});

/**
 * How an admin settles a dispute:
 * - short_delivery: `refund_shortfall` (the received units go to the earliest payers, the rest is
 *   refunded) or `redelivered` (the missing units arrived; everyone collects in full);
 * - uncollected: `extend` (by `extendDays`) or `refund` (the uncollected units, less `costBps`
 *   of their value kept for handling);
 * - the offline flags: `noted`.
 */
export const ZResolveDispute = z.strictObject({
  resolution: z.enum(["refund_shortfall", "redelivered", "extend", "refund", "noted"]),
  note: z.string().trim().max(1000).optional(),
  extendDays: z.number().int().min(1).max(30).optional(),
  costBps: z.number().int().min(0).max(10_000).optional(),
});
export type TResolveDispute = z.infer<typeof ZResolveDispute>;
