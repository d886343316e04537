import type { TTrainingRun } from "@cs/contracts";
import { ConfigError, DEFAULT_WEIGHTS, validateWeights, type Weights } from "@cs/recommender";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { EVAL_K } from "./evaluate.ts";
import { fitInWorker } from "./fit.ts";
import { forgetActiveModel } from "./model-cache.ts";
import { presentRun } from "./presenter.ts";
import {
  activeModelRef,
  claimQueuedRun,
  failStaleRuns,
  insertModel,
  insertRun,
  lastRunAt,
  pendingRun,
  type RunRow,
  setActiveModel,
  updateRun,
} from "./repo.ts";
import { readPlatformData } from "./training-data.ts";

export const TRAINING_EVENT = "recommendations:training";

/** Checks a training request's weights: finite, not negative, not all zero (400 otherwise). */
export function checkWeights(weights: Partial<Record<keyof Weights, number>>): Weights {
  try {
    return validateWeights({ ...DEFAULT_WEIGHTS, ...weights });
  } catch (error) {
    if (error instanceof ConfigError) {
      const path = /^(weights\.\w+)/.exec(error.message)?.[1] ?? "weights";
      throw new AppError("validation_failed", error.message, {
        errors: [{ path, message: error.message }],
      });
    }
    throw error;
  }
}

/**
 * Queues a training run for the worker; a run already queued or running is returned instead of
 * a second one (training is one at a time).
 */
export async function requestTraining(
  ctx: AppContext,
  actor: Actor | null,
  weights?: Partial<Record<keyof Weights, number>>,
): Promise<TTrainingRun> {
  const checked = weights ? checkWeights(weights) : null;
  const pending = await pendingRun(ctx.db);
  if (pending) {
    return presentRun(pending);
  }
  const run = await insertRun(ctx.db, {
    id: newId(),
    weights: checked,
    requestedBy: actor?.id ?? null,
  });
  ctx.realtime?.toAdmins(TRAINING_EVENT, presentRun(run));
  return presentRun(run);
}

/** The nightly schedule: queues a run when none was queued in the last `hours`. */
export async function queueScheduledTraining(ctx: AppContext, hours = 24): Promise<number> {
  const last = await lastRunAt(ctx.db);
  if (last && Date.now() - last.getTime() < hours * 3_600_000) {
    return 0;
  }
  await requestTraining(ctx, null);
  return 0;
}

/** The worker's job: runs the oldest queued training run, if any. Returns 1 if it ran one. */
export async function runQueuedTraining(ctx: AppContext): Promise<number> {
  await failStaleRuns(ctx.db);
  const run = await claimQueuedRun(ctx.db);
  if (!run) {
    return 0;
  }
  await trainModel(ctx, run);
  return 1;
}

/**
 * One training run: reads the platform's interactions, evaluates the new weights and the active
 * model's on the same held-back slice, fits on everything, stores the next version and
 * activates it only if it is no worse than the active one (else it stays a candidate). Progress
 * (stage, percent) is written to the run and pushed to the admins' room.
 */
export async function trainModel(ctx: AppContext, run: RunRow): Promise<RunRow> {
  const progress = async (stage: string, percent: number) => {
    const row = await updateRun(ctx.db, run.id, { stage, percent });
    ctx.realtime?.toAdmins(TRAINING_EVENT, presentRun(row));
  };
  try {
    await progress("reading", 5);
    const data = await readPlatformData(ctx.db);
    const weights = checkWeights(run.weights ?? {});
    const active = await activeModelRef(ctx.db);
    await progress("evaluating", 20);
    let fitting: Promise<void> = Promise.resolve();
    const fitted = await fitInWorker(
      { data, weights, activeWeights: active?.weights ?? null },
      () => {
        fitting = progress("fitting", 60).catch(() => undefined);
      },
    );
    await fitting;
    const mine = fitted.mine;
    const theirs = fitted.theirs ?? undefined;
    await progress("saving", 90);
    const metrics = {
      k: EVAL_K,
      ...(mine ?? { ndcg: 0, precision: 0, recall: 0, hitRate: 0, users: 0 }),
      baseline:
        active && theirs
          ? {
              version: active.version,
              ndcg: theirs.ndcg,
              precision: theirs.precision,
              recall: theirs.recall,
            }
          : null,
      interactions: data.interactions.length,
      traders: fitted.traders,
      products: fitted.products,
      fitSeconds: fitted.fitSeconds,
    };
    // No worse than the active model on the same slice; with no evidence at all, only a first
    // model is activated (something to serve beats nothing).
    const better =
      !active || (metrics.users > 0 && theirs !== undefined && metrics.ndcg >= theirs.ndcg - 1e-9);
    const id = newId();
    const stored = await ctx.db.transaction(async (tx) => {
      const row = await insertModel(tx, {
        id,
        status: "candidate",
        metrics,
        weights,
        bytes: fitted.bytes,
      });
      if (better) {
        await setActiveModel(tx, id);
      }
      return row;
    });
    forgetActiveModel(ctx);
    const outcome = better
      ? `activated version ${stored.version}`
      : `kept version ${stored.version} as a candidate: NDCG@${EVAL_K} ${metrics.ndcg} below the active version ${active?.version}'s ${theirs?.ndcg ?? "?"} on the same slice`;
    const done = await updateRun(ctx.db, run.id, {
      status: "succeeded",
      stage: "done",
      percent: 100,
      modelId: id,
      outcome,
      finishedAt: new Date(),
    });
    ctx.realtime?.toAdmins(TRAINING_EVENT, presentRun(done));
    return done;
  } catch (error) {
    const failed = await updateRun(ctx.db, run.id, {
      status: "failed",
      error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      finishedAt: new Date(),
    });
    ctx.realtime?.toAdmins(TRAINING_EVENT, presentRun(failed));
    return failed;
  }
}

/** An admin makes an earlier (or candidate) version the active one: rollback. */
export async function activateModel(ctx: AppContext, id: string): Promise<void> {
  await ctx.db.transaction((tx) => setActiveModel(tx, id));
  forgetActiveModel(ctx);
}
