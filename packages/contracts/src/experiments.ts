import { z } from "zod";

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped"] as const;
export type TExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** How long after a trader was shown a group a click, join or payment still counts for it. */
export const EXPERIMENT_WINDOW_DAYS = 7;

const ZWeight = z.number().min(0);

/** A variant's fusion weights: any component left out keeps its default. */
export const ZExperimentWeights = z.strictObject({
  cf: ZWeight.optional(),
  content: ZWeight.optional(),
  popularity: ZWeight.optional(),
  buyAgain: ZWeight.optional(),
  freshness: ZWeight.optional(),
});

export const ZExperimentVariantInput = z
  .strictObject({
    /** Short name shown in reports and recorded on every event: `control`, `popular-first`. */
    key: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "lower-case letters, digits, - and _ (at most 32)"),
    /** Whole percent of the traders; an experiment's shares sum to 100. */
    share: z.number().int().min(1).max(100),
    /** Serve this model version (default: the active one). */
    modelVersion: z.number().int().min(1).optional(),
    /** Serve with these fusion weights (default: the model's own). */
    weights: ZExperimentWeights.optional(),
  })
  .refine((v) => v.modelVersion !== undefined || v.weights !== undefined, {
    message: "a variant serves a model version, fusion weights or both",
    path: ["modelVersion"],
  });
export type TExperimentVariantInput = z.infer<typeof ZExperimentVariantInput>;

export const ZCreateExperimentRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    /** The first variant is the control every other is compared with. */
    variants: z.array(ZExperimentVariantInput).min(2).max(6),
  })
  .superRefine((value, ctx) => {
    const total = value.variants.reduce((sum, v) => sum + v.share, 0);
    if (total !== 100) {
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: `the variants' shares must sum to 100 (they sum to ${total})`,
      });
    }
    const seen = new Set<string>();
    value.variants.forEach((v, i) => {
      if (seen.has(v.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "key"],
          message: `two variants are called ${v.key}`,
        });
      }
      seen.add(v.key);
    });
  });
export type TCreateExperimentRequest = z.infer<typeof ZCreateExperimentRequest>;

export const ZExperimentVariant = z.object({
  key: z.string(),
  share: z.number().int(),
  /** The pinned model version; null: whichever version is active. */
  modelVersion: z.number().int().nullable(),
  /** Every component's weight; null: the model's own. */
  weights: z.record(z.string(), z.number()).nullable(),
});
export type TExperimentVariant = z.infer<typeof ZExperimentVariant>;

export const ZExperiment = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(EXPERIMENT_STATUSES),
  variants: z.array(ZExperimentVariant),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
});
export type TExperiment = z.infer<typeof ZExperiment>;

export const ZExperimentList = z.object({ items: z.array(ZExperiment) });
export type TExperimentList = z.infer<typeof ZExperimentList>;

/** A proportion with its 95% Wilson score interval; `rate` is null with no trials. */
export const ZRateInterval = z.object({
  rate: z.number().nullable(),
  low: z.number(),
  high: z.number(),
});
export type TRateInterval = z.infer<typeof ZRateInterval>;

/** A variant's rate minus the control's, with its 95% interval (Newcombe's hybrid score). */
export const ZDifferenceInterval = z.object({
  difference: z.number().nullable(),
  low: z.number(),
  high: z.number(),
});
export type TDifferenceInterval = z.infer<typeof ZDifferenceInterval>;

export const ZExperimentVariantReport = z.object({
  key: z.string(),
  share: z.number().int(),
  /** Traders shown at least one recommendation in this variant. */
  traders: z.number().int(),
  /** Distinct (trader, group) pairs shown: a group shown again on reload is one impression. */
  impressions: z.number().int(),
  /** Impressions the trader clicked within the window. */
  clicks: z.number().int(),
  /** Shares of groups (participations) joined within the window after being shown them. */
  joins: z.number().int(),
  /** Of those, the ones paid for. */
  paid: z.number().int(),
  /** Traders with at least one such join, and with at least one such payment. */
  joinedTraders: z.number().int(),
  paidTraders: z.number().int(),
  /** clicks / impressions. */
  ctr: ZRateInterval,
  /** joinedTraders / traders. */
  joinConversion: ZRateInterval,
  /** paidTraders / traders. */
  paidConversion: ZRateInterval,
  /** Each rate minus the control's; null on the control itself. */
  vsControl: z
    .object({
      ctr: ZDifferenceInterval,
      joinConversion: ZDifferenceInterval,
      paidConversion: ZDifferenceInterval,
    })
    .nullable(),
});
export type TExperimentVariantReport = z.infer<typeof ZExperimentVariantReport>;

export const ZExperimentReport = z.object({
  experiment: ZExperiment,
  /** The attribution window, in days. */
  windowDays: z.number().int(),
  /** The control's key (the first variant). */
  control: z.string(),
  variants: z.array(ZExperimentVariantReport),
  generatedAt: z.string(),
});
export type TExperimentReport = z.infer<typeof ZExperimentReport>;
