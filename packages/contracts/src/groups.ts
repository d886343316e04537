import { z } from "zod";
import { ZPhone } from "./auth.ts";
import { ZProductTiers } from "./catalog.ts";
import { ZCurrency } from "./common.ts";
import { ZLocalizedName } from "./meta.ts";

export const GROUP_STATUSES = [
  "draft",
  "open",
  "funded",
  "ordered",
  "delivered",
  "completed",
  "expired",
  "cancelled",
  "refunded",
] as const;
export const ZGroupStatus = z.enum(GROUP_STATUSES);
export type TGroupStatus = z.infer<typeof ZGroupStatus>;

export const PARTICIPATION_STATUSES = [
  "reserved",
  "paid",
  "ready_for_pickup",
  "collected",
  "refunded",
  "lapsed",
  "cancelled",
] as const;
export const ZParticipationStatus = z.enum(PARTICIPATION_STATUSES);

export const PAYMENT_METHODS = ["ecocash", "onemoney", "card"] as const;
export const ZPaymentMethod = z.enum(PAYMENT_METHODS);
export type TPaymentMethod = z.infer<typeof ZPaymentMethod>;

/** How a trader may pay for a share: a provider's method, or cash at pickup (held by a deposit). */
export const CHECKOUT_METHODS = [...PAYMENT_METHODS, "cash"] as const;
export const ZCheckoutMethod = z.enum(CHECKOUT_METHODS);
export type TCheckoutMethod = z.infer<typeof ZCheckoutMethod>;

export const MOBILE_MONEY_METHODS = ["ecocash", "onemoney"] as const;

/** Why a payment did not go through, for the trader's message in their language. */
export const PAYMENT_FAILURE_REASONS = [
  "declined",
  "cancelled",
  "insufficient_balance",
  "timed_out",
  "expired",
  "provider_error",
] as const;
export const ZPaymentFailureReason = z.enum(PAYMENT_FAILURE_REASONS);
export type TPaymentFailureReason = z.infer<typeof ZPaymentFailureReason>;

/**
 * How the trader pays: the method (cash means at pickup, held by the deposit rule), the
 * mobile-money number to ask for approval (EcoCash/OneMoney express checkout; without one the
 * provider's own page asks), and for cash the method of the deposit (by default the network of
 * the number: 071 OneMoney, else EcoCash).
 */
export const ZCheckoutChoice = z.object({
  method: ZCheckoutMethod.optional(),
  phone: ZPhone.optional(),
  depositMethod: z.enum(MOBILE_MONEY_METHODS).optional(),
});
export type TCheckoutChoice = z.input<typeof ZCheckoutChoice>;

/** Minor units (cents): integers only, never floats. */
export const ZMinorUnits = z.number().int().min(1).max(100_000_000_000);

export const ZTier = z.object({ minQty: z.number().int().min(1), unitPrice: ZMinorUnits });
export type TTier = z.infer<typeof ZTier>;

export const ZCreateGroupRequest = z
  .strictObject({
    productId: z.uuid(),
    title: z.string().trim().min(3).max(120).optional(),
    moq: z.number().int().min(1).max(1_000_000),
    cap: z.number().int().min(1).max(1_000_000).optional(),
    minPerTrader: z.number().int().min(1).max(100_000).default(1),
    maxPerTrader: z.number().int().min(1).max(100_000).optional(),
    deadline: z.iso.datetime({ offset: true }),
    pickupPointIds: z.array(z.uuid()).min(1).max(10),
    /** Defaults to the product's ladder. */
    tiers: ZProductTiers.optional(),
    /** false keeps the group as a draft that only its supplier and admins see. */
    open: z.boolean().default(true),
    requestId: z.uuid().optional(),
  })
  .refine((g) => g.cap === undefined || g.cap >= g.moq, {
    path: ["cap"],
    message: "must be at least the MOQ",
  })
  .refine((g) => g.maxPerTrader === undefined || g.maxPerTrader >= g.minPerTrader, {
    path: ["maxPerTrader"],
    message: "must be at least minPerTrader",
  });
export type TCreateGroupRequest = z.input<typeof ZCreateGroupRequest>;

export const ZPickupPointSummary = z.object({
  id: z.string(),
  name: z.string(),
  marketId: z.string(),
  address: z.string(),
  hours: z.string(),
});

export const ZNextTier = z
  .object({ minQty: z.number().int(), unitPrice: z.number().int(), unitsToGo: z.number().int() })
  .nullable();

/** What real time pushes to a group's room; the same fields the group itself carries. */
export const ZGroupProgress = z.object({
  groupId: z.string(),
  status: ZGroupStatus,
  paidQty: z.number().int(),
  heldQty: z.number().int(),
  paidParticipants: z.number().int(),
  moq: z.number().int(),
  cap: z.number().int().nullable(),
  /** Paid quantity as a percentage of the MOQ (may pass 100). */
  progressPercent: z.number().int(),
  currentUnitPrice: z.number().int(),
  nextTier: ZNextTier,
  deadline: z.string(),
  serverTime: z.string(),
});
export type TGroupProgress = z.infer<typeof ZGroupProgress>;

export const ZMyParticipation = z.object({
  id: z.string(),
  status: ZParticipationStatus,
  quantity: z.number().int(),
  amountPaid: z.number().int(),
  amountRefunded: z.number().int(),
  holdExpiresAt: z.string(),
  pickupPointId: z.string(),
});

export const ZGroup = ZGroupProgress.extend({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  currency: ZCurrency,
  minPerTrader: z.number().int(),
  maxPerTrader: z.number().int().nullable(),
  finalUnitPrice: z.number().int().nullable(),
  tiers: z.array(ZTier),
  product: z.object({
    id: z.string(),
    name: z.string(),
    unit: z.string(),
    description: z.string(),
    image: z.string().nullable(),
  }),
  supplier: z.object({ id: z.string(), name: z.string() }),
  category: z.object({ id: z.string(), name: ZLocalizedName }),
  pickupPoints: z.array(ZPickupPointSummary),
  /** The price in the other currency at the admin-set rate, for display only. */
  altPrice: z.object({ currency: ZCurrency, unitPrice: z.number().int() }).nullable(),
  createdAt: z.string(),
  /** How a closed group ended: its deadline (funded or expired) or a cancellation. */
  endedBy: z.enum(["deadline", "cancellation"]).nullable(),
  myParticipation: ZMyParticipation.nullable(),
  abilities: z.object({ join: z.boolean(), manage: z.boolean() }),
});
export type TGroup = z.infer<typeof ZGroup>;

export const GROUP_SORTS = ["ending_soon", "progress", "newest", "price"] as const;

export const ZGroupSearchQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  category: z.string().max(40).optional(),
  market: z.string().max(40).optional(),
  pickupPoint: z.uuid().optional(),
  supplier: z.uuid().optional(),
  priceMin: z.coerce.number().int().min(0).optional(),
  priceMax: z.coerce.number().int().min(0).optional(),
  endsAfter: z.iso.datetime({ offset: true }).optional(),
  endsBefore: z.iso.datetime({ offset: true }).optional(),
  minProgress: z.coerce.number().int().min(0).max(100).optional(),
  status: ZGroupStatus.optional(),
  sort: z.enum(GROUP_SORTS).default("ending_soon"),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type TGroupSearchQuery = z.input<typeof ZGroupSearchQuery>;

export const ZGroupList = z.object({ items: z.array(ZGroup), nextCursor: z.string().nullable() });

export const ZJoinGroupRequest = z.strictObject({
  quantity: z.number().int().min(1).max(100_000),
  pickupPointId: z.uuid().optional(),
  ...ZCheckoutChoice.shape,
});
export type TJoinGroupRequest = z.input<typeof ZJoinGroupRequest>;

export const ZChangeQuantityRequest = z.strictObject({
  quantity: z.number().int().min(1).max(100_000),
});

export const ZParticipation = z.object({
  id: z.string(),
  groupId: z.string(),
  status: ZParticipationStatus,
  quantity: z.number().int(),
  currency: ZCurrency,
  pickupPointId: z.string(),
  unitPricePaid: z.number().int().nullable(),
  amountPaid: z.number().int(),
  amountRefunded: z.number().int(),
  holdExpiresAt: z.string(),
  createdAt: z.string(),
  group: z
    .object({
      id: z.string(),
      code: z.string(),
      title: z.string(),
      status: ZGroupStatus,
      deadline: z.string(),
    })
    .optional(),
});
export type TParticipation = z.infer<typeof ZParticipation>;

export const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "expired", "cancelled"] as const;
export const PAYMENT_PURPOSES = ["share", "cash_deposit", "cash_at_pickup"] as const;

/** What every view of a payment says: through whom, how, for what, how much, and its state. */
export const ZPaymentCore = z.object({
  provider: z.string(),
  /** null until chosen (the provider's page asks) */
  method: ZCheckoutMethod.nullable(),
  /**
   * share: the whole share; cash_deposit: the deposit of a share paid in cash at pickup;
   * cash_at_pickup: the cash an agent takes at handover.
   */
  purpose: z.enum(PAYMENT_PURPOSES),
  status: z.enum(PAYMENT_STATUSES),
  amount: z.number().int(),
  currency: ZCurrency,
  failureReason: ZPaymentFailureReason.nullable(),
});

export const ZPaymentSession = ZPaymentCore.extend({
  paymentId: z.string(),
  /** Open this page to pay (hosted checkout); null for express (approve on the handset). */
  checkoutUrl: z.string().nullable(),
  /** The provider's instructions to show while waiting (e.g. "Dial *151*2*4# ..."). */
  instructions: z.string().nullable(),
  /** The number asked to approve, masked (077****111). */
  phone: z.string().nullable(),
  /**
   * Set when no checkout could be opened just now: `provider_unavailable` means try again in a
   * moment (POST /participations/:id/pay). The reservation is kept meanwhile.
   */
  checkoutError: z.object({ code: z.string(), detail: z.string() }).nullable(),
  expiresAt: z.string(),
});
export type TPaymentSession = z.infer<typeof ZPaymentSession>;

export const ZJoinGroupResponse = z.object({
  participation: ZParticipation,
  payment: ZPaymentSession,
});
export type TJoinGroupResponse = z.infer<typeof ZJoinGroupResponse>;

export const ZRefund = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: ZCurrency,
  reason: z.string(),
  status: z.enum(["pending", "sent", "failed", "manual"]),
  createdAt: z.string(),
});

export const ZParticipationDetail = ZParticipation.extend({
  payments: z.array(ZPaymentSession),
  refunds: z.array(ZRefund),
});
export const ZParticipationList = z.object({ items: z.array(ZParticipationDetail) });

export const ZCreateGroupRequestByTrader = z.strictObject({
  categoryId: z.string().min(1).max(40),
  productId: z.uuid().optional(),
  marketId: z.string().min(1).max(40),
  description: z.string().trim().min(5).max(500),
  quantity: z.number().int().min(1).max(100_000),
});

export const ZGroupRequestView = z.object({
  id: z.string(),
  categoryId: z.string(),
  productId: z.string().nullable(),
  marketId: z.string(),
  description: z.string(),
  quantity: z.number().int(),
  status: z.enum(["open", "converted", "declined"]),
  groupId: z.string().nullable(),
  createdAt: z.string(),
  /** True when the viewer made the request (suppliers never see who did). */
  mine: z.boolean(),
});
export type TGroupRequestView = z.infer<typeof ZGroupRequestView>;
export const ZGroupRequestList = z.object({
  items: z.array(ZGroupRequestView),
  nextCursor: z.string().nullable(),
});
export const ZGroupRequestQuery = z.strictObject({
  status: z.enum(["open", "converted", "declined"]).optional(),
  category: z.string().max(40).optional(),
  market: z.string().max(40).optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
