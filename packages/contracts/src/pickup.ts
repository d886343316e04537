import { z } from "zod";
import { ZCurrency } from "./common.ts";

export const CREDENTIAL_STATUSES = ["live", "collected", "expired", "revoked"] as const;
export const ZCredentialStatus = z.enum(CREDENTIAL_STATUSES);

const ZProductRef = z.object({ name: z.string(), unit: z.string() });
/** Cash the agent takes at this handover (a share paid at pickup), minor units; null: nothing. */
const ZCashDue = z.object({ amount: z.number().int(), currency: ZCurrency }).nullable();
/** The cash the agent took, minor units: exactly the `cashDue` shown, when there is one. */
const ZCashAmount = z.number().int().min(0).max(100_000_000_00).optional();
const ZGroupRef = z.object({ id: z.string(), code: z.string(), title: z.string() });

/** A trader's own pickup credential: the QR token to render and the short code to type. */
export const ZMyPickup = z.object({
  credentialId: z.string(),
  participationId: z.string(),
  group: ZGroupRef,
  product: ZProductRef,
  pickupPoint: z.object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    hours: z.string(),
  }),
  quantity: z.number().int(),
  collectedQty: z.number().int(),
  remainingQty: z.number().int(),
  status: ZCredentialStatus,
  expiresAt: z.string(),
  /** Put this string in the QR code as it is. Null once the credential is no longer live. */
  token: z.string().nullable(),
  /** 8 digits, for feature phones and typing. Null once the credential is no longer live. */
  shortCode: z.string().nullable(),
});
export type TMyPickup = z.infer<typeof ZMyPickup>;
export const ZMyPickupList = z.object({ items: z.array(ZMyPickup) });

const ZToken = z.string().min(10).max(1000);
const ZShortCode = z.string().regex(/^\d{8}$/, "8 digits");

/** Scan or type: exactly one of `token` (the QR content) or `code` (8 digits). */
export const ZPickupProof = z.union([
  z.strictObject({ token: ZToken }),
  z.strictObject({ code: ZShortCode }),
]);

/** What the agent sees after a scan: who, what, how much is left. */
export const ZPickupCheck = z.object({
  credentialId: z.string(),
  status: ZCredentialStatus,
  trader: z.object({ name: z.string(), phoneLast3: z.string() }),
  group: ZGroupRef,
  product: ZProductRef,
  quantity: z.number().int(),
  collectedQty: z.number().int(),
  remainingQty: z.number().int(),
  expiresAt: z.string(),
  pickupPointId: z.string(),
  cashDue: ZCashDue,
});
export type TPickupCheck = z.infer<typeof ZPickupCheck>;

/** Units handed over now; defaults to everything remaining. */
const ZHandoverQuantity = z.number().int().min(1).max(100_000).optional();
export const ZHandoverRequest = z.union([
  z.strictObject({ token: ZToken, quantity: ZHandoverQuantity, cashAmount: ZCashAmount }),
  z.strictObject({ code: ZShortCode, quantity: ZHandoverQuantity, cashAmount: ZCashAmount }),
]);
export const ZHandoverResponse = z.object({
  handover: z.object({ id: z.string(), quantity: z.number().int(), occurredAt: z.string() }),
  credential: ZPickupCheck,
});

export const ZPickupPointAssignment = z.object({
  pickupPoint: z.object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    hours: z.string(),
    marketId: z.string(),
  }),
});

/** A delivery an agent expects or has checked in at their pickup point. */
export const ZPickupDelivery = z.object({
  orderId: z.string(),
  orderStatus: z.string(),
  group: ZGroupRef,
  product: ZProductRef,
  supplierName: z.string(),
  quantity: z.number().int(),
  participantCount: z.number().int(),
  deliveryDate: z.string().nullable(),
  trackingNote: z.string().nullable(),
  status: z.enum(["pending", "received", "short"]),
  receivedQty: z.number().int().nullable(),
  condition: z.enum(["good", "damaged", "mixed"]).nullable(),
  receivedAt: z.string().nullable(),
});
export const ZPickupDeliveryList = z.object({ items: z.array(ZPickupDelivery) });

export const ZReceiveDelivery = z.strictObject({
  receivedQty: z.number().int().min(0).max(1_000_000),
  condition: z.enum(["good", "damaged", "mixed"]),
  notes: z.string().trim().max(1000).optional(),
  /** The photo uploaded first (`POST …/photo`), if the agent took one. */
  photoId: z.uuid().optional(),
});
export const ZUploadedPhoto = z.object({
  photo: z.object({ id: z.string(), contentType: z.string(), byteSize: z.number().int() }),
});
export const ZReceiveResult = z.object({
  delivery: ZPickupDelivery,
  credentialsIssued: z.number().int(),
  disputeId: z.string().nullable(),
});

/**
 * The offline manifest of one pickup point. It carries no secret: only one-way hashes of the QR
 * tokens (SHA-256, 256-bit preimages nobody can find) and slow hashes of the short codes.
 */
export const ZManifest = z.object({
  pickupPointId: z.string(),
  generatedAt: z.string(),
  /** Download a fresh manifest before this; entries may have changed since. */
  refreshBy: z.string(),
  tokenHash: z.object({ algorithm: z.literal("SHA-256"), encoding: z.literal("base64url") }),
  codeHash: z.object({
    algorithm: z.literal("PBKDF2-SHA256"),
    iterations: z.number().int(),
    /** UTF-8 salt; the code's UTF-8 bytes are the password; 32-byte key, base64url. */
    salt: z.string(),
    encoding: z.literal("base64url"),
  }),
  items: z.array(
    z.object({
      credentialId: z.string(),
      traderName: z.string(),
      phoneLast3: z.string(),
      group: ZGroupRef,
      product: ZProductRef,
      quantity: z.number().int(),
      remainingQty: z.number().int(),
      expiresAt: z.string(),
      tokenHash: z.string(),
      codeHash: z.string(),
      cashDue: ZCashDue,
    }),
  ),
});
export type TManifest = z.infer<typeof ZManifest>;

export const ZSyncRequest = z.strictObject({
  deviceId: z.string().trim().min(1).max(100),
  items: z
    .array(
      z.strictObject({
        /** The device's own id for this handover: sending it again is harmless. */
        clientId: z.uuid(),
        credentialId: z.uuid(),
        quantity: z.number().int().min(1).max(100_000),
        occurredAt: z.iso.datetime({ offset: true }),
        /** What the trader presented: re-verified on the server. */
        proof: ZPickupProof,
        cashAmount: ZCashAmount,
      }),
    )
    .min(1)
    .max(500),
});
export const SYNC_CONFLICT_REASONS = [
  "already_collected",
  "quantity_exceeded",
  "invalid_proof",
  "wrong_point",
  "stale",
  "cash_mismatch",
] as const;
export const ZSyncResponse = z.object({
  items: z.array(
    z.object({
      clientId: z.string(),
      result: z.enum(["applied", "duplicate", "conflict"]),
      reason: z.enum(SYNC_CONFLICT_REASONS).nullable(),
      credentialId: z.string(),
      remainingQty: z.number().int().nullable(),
      disputeId: z.string().nullable(),
    }),
  ),
});

export const ZAssignPickupAgent = z.strictObject({ pickupPointId: z.uuid() });
export const ZPickupAgent = z.object({
  userId: z.string(),
  name: z.string(),
  phone: z.string(),
  pickupPointId: z.string(),
});
export const ZPickupAgentList = z.object({ items: z.array(ZPickupAgent) });
export type TReceiveDelivery = z.infer<typeof ZReceiveDelivery>;
