import { createHash } from "node:crypto";
import type { AppContext } from "../../platform/context.ts";
import {
  type ExperimentRecord,
  findRunningExperiment,
  type VariantRecord,
} from "./experiment-repo.ts";

/**
 * Where a trader falls in an experiment, in [0, 100): the first 32 bits of
 * SHA-256("experiment:trader") scaled to percent. The same trader always lands at the same point
 * of the same experiment (so nothing is stored per trader), and different experiments shuffle
 * traders independently of each other.
 */
export function assignmentPoint(experimentId: string, traderId: string): number {
  const digest = createHash("sha256").update(`${experimentId}:${traderId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/** The variant whose slice of the shares (in order, cumulated) holds the trader's point. */
export function assignVariant<V extends { share: number }>(
  experimentId: string,
  traderId: string,
  variants: readonly V[],
): V {
  const point = assignmentPoint(experimentId, traderId);
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.share;
    if (point < upTo) {
      return variant;
    }
  }
  // Shares sum to 100 and the point is below 100; only a misconfigured row can get here.
  return variants[variants.length - 1] as V;
}

/** How long a process trusts its idea of the running experiment before asking again. */
const CHECK_MS = 5_000;

interface Slot {
  checkedAt: number;
  running: ExperimentRecord | null;
  pending: Promise<ExperimentRecord | null> | null;
}
const slots = new WeakMap<AppContext, Slot>();

/**
 * The running experiment, kept in memory and looked up again every few seconds (one small
 * query), so serving a recommendation costs no query for it. After a start or stop in another
 * process, this one follows within CHECK_MS; events record the experiment actually served.
 */
export async function runningExperiment(ctx: AppContext): Promise<ExperimentRecord | null> {
  let slot = slots.get(ctx);
  if (!slot) {
    slot = { checkedAt: 0, running: null, pending: null };
    slots.set(ctx, slot);
  }
  const s = slot;
  if (Date.now() - s.checkedAt < CHECK_MS) {
    return s.running;
  }
  s.pending ??= (async () => {
    try {
      s.running = (await findRunningExperiment(ctx.db)) ?? null;
      s.checkedAt = Date.now();
      return s.running;
    } finally {
      s.pending = null;
    }
  })();
  return s.pending;
}

/** After this process started or stopped an experiment: look again on the next request. */
export function forgetRunningExperiment(ctx: AppContext): void {
  const slot = slots.get(ctx);
  if (slot) {
    slot.checkedAt = 0;
  }
}

export interface Assignment {
  experimentId: string;
  variant: VariantRecord;
}

/** The trader's variant in the running experiment, or null when none runs. No write. */
export async function assignmentOf(ctx: AppContext, traderId: string): Promise<Assignment | null> {
  const experiment = await runningExperiment(ctx);
  if (!experiment || experiment.variants.length === 0) {
    return null;
  }
  return {
    experimentId: experiment.id,
    variant: assignVariant(experiment.id, traderId, experiment.variants),
  };
}
