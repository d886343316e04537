import { z } from "zod";
import { ZGroup } from "./groups.ts";

/** The components of a hybrid score, as the recommender names them. */
export const RECOMMENDATION_COMPONENTS = [
  "cf",
  "content",
  "popularity",
  "buyAgain",
  "freshness",
] as const;
export type TRecommendationComponent = (typeof RECOMMENDATION_COMPONENTS)[number];

export const ZContributions = z.object({
  cf: z.number(),
  content: z.number(),
  popularity: z.number(),
  buyAgain: z.number(),
  freshness: z.number(),
});

export const ZRecommendationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const ZRecommendation = z.object({
  group: ZGroup,
  /** Exactly the sum of `contributions`. */
  score: z.number(),
  contributions: ZContributions,
  explanation: z.object({
    component: z.enum(RECOMMENDATION_COMPONENTS),
    /** Message key (the web app's i18n has the same keys) and its parameters. */
    key: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    /** Rendered in the trader's language. */
    text: z.string(),
  }),
});
export type TRecommendation = z.infer<typeof ZRecommendation>;

export const ZRecommendationList = z.object({
  items: z.array(ZRecommendation),
  /** The model version that ranked them; null before any model is trained (popularity order). */
  modelVersion: z.number().int().nullable(),
  /** True when the trader had no history and preferences (or nothing) stood in. */
  coldStart: z.boolean(),
  variant: z.string().nullable(),
});
export type TRecommendationList = z.infer<typeof ZRecommendationList>;

export const ZRecommendationEvent = z.strictObject({
  groupId: z.uuid(),
  kind: z.literal("click"),
});

/** Fusion weights of a training request: every component optional, finite, not negative. */
export const ZRecommendationWeights = z.strictObject({
  cf: z.number().optional(),
  content: z.number().optional(),
  popularity: z.number().optional(),
  buyAgain: z.number().optional(),
  freshness: z.number().optional(),
});

export const ZTrainRequest = z.strictObject({ weights: ZRecommendationWeights.optional() });

export const ZTrainingRun = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  stage: z.string(),
  percent: z.number().int(),
  modelId: z.string().nullable(),
  outcome: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TTrainingRun = z.infer<typeof ZTrainingRun>;

export const ZModelMetrics = z.object({
  k: z.number(),
  ndcg: z.number(),
  precision: z.number(),
  recall: z.number(),
  hitRate: z.number(),
  users: z.number(),
  baseline: z
    .object({ version: z.number(), ndcg: z.number(), precision: z.number(), recall: z.number() })
    .nullable()
    .optional(),
  interactions: z.number(),
  traders: z.number(),
  products: z.number(),
  fitSeconds: z.number(),
});

export const ZRecommendationModel = z.object({
  id: z.string(),
  version: z.number().int(),
  status: z.enum(["active", "candidate", "retired"]),
  metrics: ZModelMetrics,
  weights: z.record(z.string(), z.number()),
  sizeBytes: z.number().int(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
});
export type TRecommendationModel = z.infer<typeof ZRecommendationModel>;

export const ZRecommendationModels = z.object({
  items: z.array(ZRecommendationModel),
  runs: z.array(ZTrainingRun),
});
export type TRecommendationModels = z.infer<typeof ZRecommendationModels>;
