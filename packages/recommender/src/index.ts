// @cs/recommender: a hybrid recommender in pure TypeScript (no database, no HTTP).
//
// Training: fitHybrid(data, options) → HybridModel; serializeModel / deserializeModel to store
// and load it; fitSegments(model) for trader segments. Serving: recommend(model, request) → top k
// with every component's contribution and an explanation (message key + params) that
// renderExplanation turns into English, Shona or Ndebele. Offline metrics: runEvaluation.
export { coldStartProfile, preferenceSimilarity } from "./cold-start.ts";
export {
  buildEvalSet,
  type FittedScorer,
  type Metrics,
  type Protocol,
  quantileTime,
  scoreProtocol,
  splitAt,
} from "./evaluate.ts";
export {
  type Explanation,
  LANGUAGES,
  type Language,
  MESSAGE_KEYS,
  MESSAGES,
  type MessageKey,
  renderExplanation,
} from "./explain.ts";
export { DEFAULT_WEIGHTS, type Mode, type Weights } from "./fusion.ts";
export {
  fitHybrid,
  type HybridModel,
  type HybridOptions,
  type TrainingData,
} from "./hybrid.ts";
export { DataError, type Dataset, loadDataset, parseInteractions, parseItems } from "./load.ts";
export {
  FRESHNESS_DAYS,
  type Recommendation,
  type RecommendRequest,
  type RecommendResult,
  recommend,
} from "./recommend.ts";
export { type EvalOptions, type EvalReport, runEvaluation } from "./run-eval.ts";
export { fitSegments, type Segments } from "./segments.ts";
export { deserializeModel, serializeModel } from "./serialize.ts";
export { DEFAULT_SIGNAL_PARAMS, SIGNALS, type Signal, type SignalParams } from "./signals.ts";
export {
  COMPONENTS,
  type Component,
  type Interaction,
  type InteractionKind,
  type Item,
  type TraderProfile,
} from "./types.ts";
export { ConfigError, validateWeights } from "./weights.ts";
