import { z } from "zod";

/** Every event a user can be told about. */
export const NOTIFICATION_KINDS = [
  "joined",
  "payment_confirmed",
  "payment_failed",
  "tier_dropped",
  "deadline_near",
  "group_funded",
  "group_expired",
  "group_refunded",
  "order_accepted",
  "order_rejected",
  "ready_for_pickup",
  "collected",
  "short_delivery",
  "dispute_opened",
  "dispute_resolved",
  "order_new",
  "order_response_due",
  "payout_released",
  "reconciliation_mismatch",
] as const;
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type TNotificationKind = z.infer<typeof ZNotificationKind>;

/** What preferences are set per: a few groups of events, not every kind. */
export const NOTIFICATION_GROUPS = [
  "groups",
  "payments",
  "orders",
  "pickup",
  "disputes",
  "admin",
] as const;
export const ZNotificationGroup = z.enum(NOTIFICATION_GROUPS);
export type TNotificationGroup = z.infer<typeof ZNotificationGroup>;

export const NOTIFICATION_GROUP_OF: Record<TNotificationKind, TNotificationGroup> = {
  joined: "groups",
  payment_confirmed: "payments",
  payment_failed: "payments",
  tier_dropped: "groups",
  deadline_near: "groups",
  group_funded: "groups",
  group_expired: "payments",
  group_refunded: "payments",
  order_accepted: "orders",
  order_rejected: "orders",
  ready_for_pickup: "pickup",
  collected: "pickup",
  short_delivery: "pickup",
  dispute_opened: "disputes",
  dispute_resolved: "disputes",
  order_new: "orders",
  order_response_due: "orders",
  payout_released: "payments",
  reconciliation_mismatch: "admin",
};

export const CHANNELS = ["in_app", "sms", "email", "whatsapp"] as const;
export const ZChannel = z.enum(CHANNELS);
export type TChannel = z.infer<typeof ZChannel>;

export const ZNotification = z.object({
  id: z.uuid(),
  kind: ZNotificationKind,
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  read: z.boolean(),
  createdAt: z.string(),
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationList = z.object({
  items: z.array(ZNotification),
  unread: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type TNotificationList = z.infer<typeof ZNotificationList>;

export const ZUnreadCount = z.object({ unread: z.number().int() });

export const ZMarkRead = z.object({ ids: z.array(z.uuid()).min(1).max(200).optional() });

/** Minutes after midnight, Africa/Harare time. */
const ZMinute = z.number().int().min(0).max(1439);

export const ZNotificationPreferences = z.object({
  channels: z.record(ZNotificationGroup, z.record(ZChannel, z.boolean())),
  quietHours: z.object({ start: ZMinute, end: ZMinute }).nullable(),
});
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferences>;

export const ZUpdatePreferences = z.object({
  channels: z.partialRecord(ZNotificationGroup, z.partialRecord(ZChannel, z.boolean())).optional(),
  quietHours: z.object({ start: ZMinute, end: ZMinute }).nullable().optional(),
});
export type TUpdatePreferences = z.infer<typeof ZUpdatePreferences>;

export const ZDeadLetter = z.object({
  id: z.uuid(),
  kind: ZNotificationKind,
  channel: ZChannel,
  recipient: z.string(),
  userId: z.uuid(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TDeadLetter = z.infer<typeof ZDeadLetter>;
export const ZDeadLetterList = z.object({ items: z.array(ZDeadLetter) });
