import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { groups } from "./groups.ts";
import { users } from "./identity.ts";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return "bytea";
  },
});

/** Offline metrics of a model on the held-back slice (and of the model it was compared with). */
export interface RecommendationMetrics {
  k: number;
  ndcg: number;
  precision: number;
  recall: number;
  hitRate: number;
  users: number;
  /** The active model's figures on the same slice when this one was trained, if there was one. */
  baseline?: { version: number; ndcg: number; precision: number; recall: number } | null;
  interactions: number;
  traders: number;
  products: number;
  fitSeconds: number;
}

/**
 * Versioned recommender models: the serialized model and its offline metrics. At most one is
 * `active` (what traders are served); a trained model no better than the active one stays a
 * `candidate`; an admin can activate any earlier version again (rollback).
 */
export const recommendationModels = pgTable(
  "recommendation_models",
  {
    id: uuid("id").primaryKey(),
    version: integer("version").notNull(),
    status: text("status", { enum: ["active", "candidate", "retired"] }).notNull(),
    metrics: jsonb("metrics").$type<RecommendationMetrics>().notNull(),
    weights: jsonb("weights").$type<Record<string, number>>().notNull(),
    bytes: bytea("bytes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp("activated_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("recommendation_models_version_key").on(t.version),
    uniqueIndex("recommendation_models_one_active").on(t.status).where(sql`${t.status} = 'active'`),
  ],
);

/** Training runs: queued by an admin or the nightly schedule, run by the worker, with progress. */
export const recommendationTrainingRuns = pgTable(
  "recommendation_training_runs",
  {
    id: uuid("id").primaryKey(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed"] }).notNull(),
    stage: text("stage").notNull().default("queued"),
    percent: integer("percent").notNull().default(0),
    weights: jsonb("weights").$type<Record<string, number> | null>(),
    requestedBy: uuid("requested_by").references(() => users.id),
    modelId: uuid("model_id").references(() => recommendationModels.id),
    /** What became of the model: activated, or kept as a candidate (and why). */
    outcome: text("outcome"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("recommendation_training_runs_status_idx").on(t.status, t.createdAt)],
);

/**
 * A/B tests of the recommender: traders are split between variants by a hash of (experiment,
 * trader), so no assignment is stored. `draft` → `running` → `stopped`; at most one experiment
 * runs at a time (the partial unique index), and a stopped one never runs again.
 */
export const recommendationExperiments = pgTable(
  "recommendation_experiments",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    status: text("status", { enum: ["draft", "running", "stopped"] })
      .notNull()
      .default("draft"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("recommendation_experiments_one_running")
      .on(t.status)
      .where(sql`${t.status} = 'running'`),
    index("recommendation_experiments_created_idx").on(t.createdAt),
  ],
);

/**
 * An experiment's variants, in order (the first is the control): a share of the traffic in whole
 * percent (the service checks they sum to 100) and what is served: a model version, fusion
 * weights on the active model, or both.
 */
export const recommendationExperimentVariants = pgTable(
  "recommendation_experiment_variants",
  {
    experimentId: uuid("experiment_id")
      .notNull()
      .references(() => recommendationExperiments.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    position: integer("position").notNull(),
    share: integer("share").notNull(),
    modelId: uuid("model_id").references(() => recommendationModels.id),
    weights: jsonb("weights").$type<Record<string, number>>(),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.key] }),
    uniqueIndex("recommendation_experiment_variants_position_key").on(t.experimentId, t.position),
    check("recommendation_experiment_variants_share_check", sql`${t.share} between 1 and 100`),
    check(
      "recommendation_experiment_variants_serves_check",
      sql`${t.modelId} is not null or ${t.weights} is not null`,
    ),
  ],
);

/**
 * What traders were shown and clicked (analytics): written in batches after the response, so
 * the trader never waits on them. Also the source of the view/click interactions for training.
 */
export const recommendationEvents = pgTable(
  "recommendation_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    traderId: uuid("trader_id")
      .notNull()
      .references(() => users.id),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    productId: uuid("product_id").notNull(),
    kind: text("kind", { enum: ["shown", "click"] }).notNull(),
    modelVersion: integer("model_version"),
    /** The experiment running when the event happened and the trader's variant in it, if any. */
    experimentId: uuid("experiment_id").references(() => recommendationExperiments.id),
    variant: text("variant"),
    position: integer("position"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("recommendation_events_trader_idx").on(t.traderId, t.createdAt),
    index("recommendation_events_kind_idx").on(t.kind, t.createdAt),
    // The experiment report: exposures of each trader to each group, by experiment.
    index("recommendation_events_experiment_idx")
      .on(t.experimentId, t.traderId, t.groupId, t.createdAt)
      .where(sql`${t.experimentId} is not null`),
  ],
);
