import type { FastifyBaseLogger } from "fastify";
import { closePickupWindows } from "./domains/fulfilment/completion.ts";
import { lapseUnansweredOrders } from "./domains/fulfilment/orders.ts";
import {
  closeDueGroups,
  lapseReservations,
  markRefundedGroups,
} from "./domains/groups/close-group.ts";
import { warnOfDeadlines } from "./domains/notifications/jobs.ts";
import { processDuePayouts } from "./domains/payments/payout-transfers.ts";
import { pollPendingPayments } from "./domains/payments/poll-payments.ts";
import { reconcileYesterday } from "./domains/payments/reconciliation.ts";
import { processDueRefunds } from "./domains/payments/refunds.ts";
import { queueScheduledTraining, runQueuedTraining } from "./domains/recommendations/train.ts";
import type { AppContext } from "./platform/context.ts";
import type { JobDefinition } from "./platform/scheduler.ts";

/** Every sweep the worker role runs. */
export function workerJobs(ctx: AppContext, log: FastifyBaseLogger): JobDefinition[] {
  return [
    { name: "close-due-groups", everyMs: 1_000, run: () => closeDueGroups(ctx) },
    { name: "lapse-reservations", everyMs: 5_000, run: () => lapseReservations(ctx) },
    { name: "send-refunds", everyMs: 2_000, run: () => processDueRefunds(ctx, log) },
    { name: "send-payouts", everyMs: 5_000, run: () => processDuePayouts(ctx, log) },
    { name: "mark-refunded-groups", everyMs: 5_000, run: () => markRefundedGroups(ctx) },
    { name: "lapse-unanswered-orders", everyMs: 30_000, run: () => lapseUnansweredOrders(ctx) },
    { name: "close-pickup-windows", everyMs: 60_000, run: () => closePickupWindows(ctx) },
    { name: "warn-of-deadlines", everyMs: 60_000, run: () => warnOfDeadlines(ctx) },
    {
      name: "poll-pending-payments",
      everyMs: 30_000,
      run: () => pollPendingPayments(ctx, 20, log),
    },
    // Looks every 10 minutes; yesterday is reconciled once (the first worker to look does it).
    { name: "reconcile-daily", everyMs: 600_000, run: () => reconcileYesterday(ctx, log) },
    // Nightly training (and a first model soon after the first start), plus admins' requests.
    { name: "schedule-training", everyMs: 10 * 60_000, run: () => queueScheduledTraining(ctx) },
    { name: "train-recommender", everyMs: 3_000, run: () => runQueuedTraining(ctx) },
  ];
}
