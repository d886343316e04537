import type { TRecommendationModel, TTrainingRun } from "@cs/contracts";
import type { ModelSummary, RunRow } from "./repo.ts";

/** A training run as admins see it (HTTP and the admins' real-time room). */
export function presentRun(run: RunRow): TTrainingRun {
  return {
    id: run.id,
    status: run.status,
    stage: run.stage,
    percent: run.percent,
    modelId: run.modelId,
    outcome: run.outcome,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** A model version without its bytes. */
export function presentModel(model: ModelSummary): TRecommendationModel {
  return {
    id: model.id,
    version: model.version,
    status: model.status,
    metrics: model.metrics,
    weights: model.weights,
    sizeBytes: model.sizeBytes,
    createdAt: model.createdAt.toISOString(),
    activatedAt: model.activatedAt?.toISOString() ?? null,
  };
}
