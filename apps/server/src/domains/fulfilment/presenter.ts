import type { TDispute, TSupplierOrder } from "@cs/contracts";
import type { DisputeRow, OrderRecord } from "./repo.ts";

/** What a delivery photo is stored as in media storage: it belongs to the supplier order. */
export const DELIVERY_PHOTO = "delivery_photo";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Invoice numbers as people read them: `CS-000042`. */
export function invoiceNumber(n: number): string {
  return `CS-${String(n).padStart(6, "0")}`;
}

/** A supplier order as suppliers and admins see it, with what the viewer may do next. */
export function presentOrder(record: OrderRecord, viewer: { manages: boolean }): TSupplierOrder {
  const { order, group } = record;
  const points = new Map(group.display.pickupPoints.map((p) => [p.id, p]));
  const can = (statuses: ReadonlyArray<TSupplierOrder["status"]>) =>
    viewer.manages && statuses.includes(order.status);
  return {
    id: order.id,
    status: order.status,
    group: { id: group.id, code: group.code, title: group.title, status: group.status },
    supplier: { id: order.supplierId, name: record.supplierName },
    product: {
      id: group.display.product.id,
      name: group.display.product.name,
      unit: group.display.product.unit,
    },
    currency: order.currency,
    quantity: order.quantity,
    unitPrice: order.unitPrice,
    gross: order.gross,
    commission: order.commission,
    netToSupplier: order.gross - order.commission,
    participantCount: order.participantCount,
    respondBy: order.respondBy.toISOString(),
    deliveryDate: order.deliveryDate,
    rejectionReason: order.rejectionReason,
    trackingNote: order.trackingNote,
    acceptedAt: iso(order.acceptedAt),
    dispatchedAt: iso(order.dispatchedAt),
    deliveredAt: iso(order.deliveredAt),
    receivedAt: iso(order.receivedAt),
    closedAt: iso(order.closedAt),
    collectableQty: order.collectableQty,
    collectedQty: order.collectedQty,
    pickupClosesAt: iso(order.pickupClosesAt),
    drops: record.drops.map((drop) => {
      const point = points.get(drop.pickupPointId);
      return {
        pickupPoint: {
          id: drop.pickupPointId,
          name: point?.name ?? "",
          address: point?.address ?? "",
        },
        quantity: drop.quantity,
        participantCount: drop.participantCount,
        status: drop.status,
        receivedQty: drop.receivedQty,
        condition: drop.condition,
        notes: drop.notes,
        photoUrl: drop.photoRef ? `/api/v1/orders/${order.id}/photos/${drop.photoRef}` : null,
        receivedAt: iso(drop.receivedAt),
      };
    }),
    invoice: record.invoice
      ? {
          number: invoiceNumber(record.invoice.number),
          issuedAt: record.invoice.issuedAt.toISOString(),
        }
      : null,
    createdAt: order.createdAt.toISOString(),
    abilities: {
      accept: can(["pending"]) && order.respondBy.getTime() > Date.now(),
      reject: can(["pending"]),
      dispatch: can(["accepted"]),
      deliver: can(["accepted", "dispatched"]),
      invoice: record.invoice !== null,
    },
  };
}

/** Which resolutions each kind of dispute accepts. */
export const RESOLUTIONS: Record<DisputeRow["kind"], string[]> = {
  short_delivery: ["refund_shortfall", "redelivered"],
  uncollected: ["extend", "refund"],
  double_collection: ["noted"],
  invalid_offline_proof: ["noted"],
  stale_offline_record: ["noted"],
};

export function presentDispute(row: DisputeRow, groupCode: string): TDispute {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    groupId: row.groupId,
    groupCode,
    orderId: row.orderId,
    pickupPointId: row.pickupPointId,
    credentialId: row.credentialId,
    details: row.details,
    resolution: row.resolution,
    resolutionNote: row.resolutionNote,
    resolvedAt: iso(row.resolvedAt),
    createdAt: row.createdAt.toISOString(),
    resolutions: row.status === "open" ? RESOLUTIONS[row.kind] : [],
  };
}
