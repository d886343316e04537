import type { TCreateExperimentRequest } from "@cs/contracts";
import { isUniqueViolation } from "@cs/db";
import { ConfigError, DEFAULT_WEIGHTS, validateWeights } from "@cs/recommender";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, type FieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { forgetRunningExperiment } from "./assignment.ts";
import {
  type ExperimentRecord,
  type ExperimentRow,
  findExperiment,
  insertExperiment,
  listExperimentRecords,
  modelIdsByVersion,
  transitionExperiment,
} from "./experiment-repo.ts";

/** The experiment, or `not_found`. */
export async function loadExperiment(ctx: AppContext, id: string): Promise<ExperimentRecord> {
  const experiment = await findExperiment(ctx.db, id);
  if (!experiment) {
    throw new AppError("not_found", "No such experiment");
  }
  return experiment;
}

/** The newest experiments first, with their variants. */
export function listExperiments(ctx: AppContext): Promise<ExperimentRecord[]> {
  return listExperimentRecords(ctx.db);
}

/**
 * Creates a draft experiment. The request's shape, shares (summing to 100) and keys were checked
 * by its schema; here every pinned version must exist, and every variant's weights, completed
 * with the defaults as a training run's are, must be usable (finite, ≥ 0, not all 0). They are
 * stored complete, so what the report names is exactly what was served.
 */
export async function createExperiment(
  ctx: AppContext,
  actor: Actor,
  input: TCreateExperimentRequest,
  requestId: string,
): Promise<ExperimentRecord> {
  const versions = [
    ...new Set(input.variants.flatMap((v) => (v.modelVersion ? [v.modelVersion] : []))),
  ];
  const models = await modelIdsByVersion(ctx.db, versions);
  const errors: FieldError[] = [];
  const variants = input.variants.map((v, position) => {
    const modelId = v.modelVersion === undefined ? null : (models.get(v.modelVersion) ?? null);
    if (v.modelVersion !== undefined && !modelId) {
      errors.push({
        path: `variants.${position}.modelVersion`,
        message: `there is no model version ${v.modelVersion}`,
        code: "unknown_reference",
      });
    }
    let weights: Record<string, number> | null = null;
    if (v.weights) {
      try {
        weights = { ...validateWeights({ ...DEFAULT_WEIGHTS, ...v.weights }) };
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          throw error;
        }
        errors.push({ path: `variants.${position}.weights`, message: error.message });
      }
    }
    return { key: v.key, position, share: v.share, modelId, weights };
  });
  const unknown = errors.find((e) => e.code === "unknown_reference");
  if (errors.length > 0) {
    throw new AppError(unknown ? "unknown_reference" : "validation_failed", errors[0]?.message, {
      errors,
    });
  }
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await insertExperiment(tx, { id, name: input.name, createdBy: actor.id }, variants);
    await audit(tx, {
      actorId: actor.id,
      action: "recommendation_experiment.created",
      subjectType: "recommendation_experiment",
      subjectId: id,
      data: { name: input.name, variants: variants.map((v) => v.key) },
      requestId,
    });
  });
  return loadExperiment(ctx, id);
}

/** Why a transition did not happen: no such experiment (404), or not in the state it needs. */
async function refuseTransition(ctx: AppContext, id: string, action: string): Promise<never> {
  const experiment = await loadExperiment(ctx, id);
  throw new AppError("invalid_transition", `A ${experiment.status} experiment cannot be ${action}`);
}

async function transition(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
  change: {
    from: ExperimentRow["status"];
    set: Parameters<typeof transitionExperiment>[3];
    action: "started" | "stopped";
  },
): Promise<ExperimentRecord> {
  let row: ExperimentRow | undefined;
  try {
    row = await ctx.db.transaction(async (tx) => {
      const moved = await transitionExperiment(tx, id, change.from, change.set);
      if (moved) {
        await audit(tx, {
          actorId: actor.id,
          action: `recommendation_experiment.${change.action}`,
          subjectType: "recommendation_experiment",
          subjectId: id,
          requestId,
        });
      }
      return moved;
    });
  } catch (error) {
    // The database's guarantee, whoever raced us: one running experiment at a time.
    if (isUniqueViolation(error, "recommendation_experiments_one_running")) {
      throw new AppError("experiment_running");
    }
    throw error;
  }
  if (!row) {
    return refuseTransition(ctx, id, change.action);
  }
  forgetRunningExperiment(ctx);
  return loadExperiment(ctx, id);
}

/**
 * Starts a draft experiment: from now on its traders are served their variant. Refused with
 * `experiment_running` while another one runs.
 */
export function startExperiment(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<ExperimentRecord> {
  return transition(ctx, actor, id, requestId, {
    from: "draft",
    set: { status: "running", startedAt: new Date() },
    action: "started",
  });
}

/** Stops a running experiment: everyone is served the active model again. Final. */
export function stopExperiment(
  ctx: AppContext,
  actor: Actor,
  id: string,
  requestId: string,
): Promise<ExperimentRecord> {
  return transition(ctx, actor, id, requestId, {
    from: "running",
    set: { status: "stopped", stoppedAt: new Date() },
    action: "stopped",
  });
}
