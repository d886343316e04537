import { sql } from "drizzle-orm";
import {
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
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
    /** The experiment variant the trader was served, if any. */
    variant: text("variant"),
    position: integer("position"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("recommendation_events_trader_idx").on(t.traderId, t.createdAt),
    index("recommendation_events_kind_idx").on(t.kind, t.createdAt),
  ],
);
