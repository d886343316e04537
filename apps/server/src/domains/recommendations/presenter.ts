import type { TExperiment, TRecommendationModel, TTrainingRun } from "@cs/contracts";
import type { ExperimentRecord } from "./experiment-repo.ts";
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

/** An experiment with its variants in order (the first is the control). */
export function presentExperiment(experiment: ExperimentRecord): TExperiment {
  return {
    id: experiment.id,
    name: experiment.name,
    status: experiment.status,
    variants: experiment.variants.map((v) => ({
      key: v.key,
      share: v.share,
      modelVersion: v.modelVersion,
      weights: v.weights,
    })),
    createdAt: experiment.createdAt.toISOString(),
    startedAt: experiment.startedAt?.toISOString() ?? null,
    stoppedAt: experiment.stoppedAt?.toISOString() ?? null,
  };
}
