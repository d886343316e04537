import {
  type DbOrTx,
  queryRows,
  type RecommendationMetrics,
  type recommendationEvents,
  recommendationModels,
  recommendationTrainingRuns,
} from "@cs/db";
import { desc, eq, sql } from "drizzle-orm";

export type ModelRow = typeof recommendationModels.$inferSelect;
export type RunRow = typeof recommendationTrainingRuns.$inferSelect;
export type EventInsert = typeof recommendationEvents.$inferInsert;

/** Every column but the model's bytes (listings never need them). */
const modelSummary = {
  id: recommendationModels.id,
  version: recommendationModels.version,
  status: recommendationModels.status,
  metrics: recommendationModels.metrics,
  weights: recommendationModels.weights,
  createdAt: recommendationModels.createdAt,
  activatedAt: recommendationModels.activatedAt,
  sizeBytes: sql<number>`octet_length(${recommendationModels.bytes})::int`,
};
export type ModelSummary = Omit<ModelRow, "bytes"> & { sizeBytes: number };

/** The active model's id and version (cheap: what the serving cache polls). */
export async function activeModelRef(
  db: DbOrTx,
): Promise<{ id: string; version: number; weights: Record<string, number> } | null> {
  const [row] = await db
    .select({
      id: recommendationModels.id,
      version: recommendationModels.version,
      weights: recommendationModels.weights,
    })
    .from(recommendationModels)
    .where(eq(recommendationModels.status, "active"));
  return row ?? null;
}

export async function modelBytes(db: DbOrTx, id: string): Promise<Uint8Array | null> {
  const [row] = await db
    .select({ bytes: recommendationModels.bytes })
    .from(recommendationModels)
    .where(eq(recommendationModels.id, id));
  return row ? new Uint8Array(row.bytes) : null;
}

export async function modelVersionOf(db: DbOrTx, id: string): Promise<number | null> {
  const [row] = await db
    .select({ version: recommendationModels.version })
    .from(recommendationModels)
    .where(eq(recommendationModels.id, id));
  return row?.version ?? null;
}

export async function findModel(db: DbOrTx, id: string): Promise<ModelSummary | undefined> {
  const [row] = await db
    .select(modelSummary)
    .from(recommendationModels)
    .where(eq(recommendationModels.id, id));
  return row;
}

export function listModels(db: DbOrTx, limit = 50): Promise<ModelSummary[]> {
  return db
    .select(modelSummary)
    .from(recommendationModels)
    .orderBy(desc(recommendationModels.version))
    .limit(limit);
}

/** Stores a trained model as the next version. */
export async function insertModel(
  db: DbOrTx,
  model: {
    id: string;
    status: ModelRow["status"];
    metrics: RecommendationMetrics;
    weights: Record<string, number>;
    bytes: Uint8Array;
  },
): Promise<ModelSummary> {
  const [next] = await queryRows<{ v: number }>(
    db,
    sql`select coalesce(max(version), 0)::int + 1 as v from recommendation_models`,
  );
  await db.insert(recommendationModels).values({
    ...model,
    version: next?.v ?? 1,
    activatedAt: model.status === "active" ? new Date() : null,
  });
  return (await findModel(db, model.id)) as ModelSummary;
}

/** Makes one model the active one; the previously active one is retired. */
export async function setActiveModel(db: DbOrTx, id: string): Promise<void> {
  await db
    .update(recommendationModels)
    .set({ status: "retired" })
    .where(eq(recommendationModels.status, "active"));
  await db
    .update(recommendationModels)
    .set({ status: "active", activatedAt: new Date() })
    .where(eq(recommendationModels.id, id));
}

export function listRuns(db: DbOrTx, limit = 10): Promise<RunRow[]> {
  return db
    .select()
    .from(recommendationTrainingRuns)
    .orderBy(desc(recommendationTrainingRuns.createdAt))
    .limit(limit);
}

export async function findRun(db: DbOrTx, id: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(recommendationTrainingRuns)
    .where(eq(recommendationTrainingRuns.id, id));
  return row;
}

/** The queued or running run, if there is one (one at a time). */
export async function pendingRun(db: DbOrTx): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(recommendationTrainingRuns)
    .where(sql`${recommendationTrainingRuns.status} in ('queued', 'running')`)
    .orderBy(recommendationTrainingRuns.createdAt)
    .limit(1);
  return row;
}

export async function insertRun(
  db: DbOrTx,
  run: { id: string; weights: Record<string, number> | null; requestedBy: string | null },
): Promise<RunRow> {
  const [row] = await db
    .insert(recommendationTrainingRuns)
    .values({ ...run, status: "queued" })
    .returning();
  return row as RunRow;
}

/** Claims the oldest queued run (several workers may poll; one gets it). */
export async function claimQueuedRun(db: DbOrTx): Promise<RunRow | undefined> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update recommendation_training_runs set status = 'running', stage = 'starting',
      started_at = now()
    where id = (
      select id from recommendation_training_runs where status = 'queued'
      order by created_at limit 1 for update skip locked
    ) returning id`,
  );
  return rows[0] ? findRun(db, rows[0].id) : undefined;
}

/** A run left `running` by a worker that died is failed after this long. */
export async function failStaleRuns(db: DbOrTx, minutes = 30): Promise<void> {
  await db.execute(sql`update recommendation_training_runs
    set status = 'failed', error = 'the worker stopped during training', finished_at = now()
    where status = 'running' and started_at < now() - make_interval(mins => ${minutes})`);
}

export async function updateRun(
  db: DbOrTx,
  id: string,
  set: Partial<Omit<RunRow, "id" | "createdAt">>,
): Promise<RunRow> {
  const [row] = await db
    .update(recommendationTrainingRuns)
    .set(set)
    .where(eq(recommendationTrainingRuns.id, id))
    .returning();
  return row as RunRow;
}

/** When the newest run (of any outcome) was queued; null if never. */
export async function lastRunAt(db: DbOrTx): Promise<Date | null> {
  const [row] = await db
    .select({ at: recommendationTrainingRuns.createdAt })
    .from(recommendationTrainingRuns)
    .orderBy(desc(recommendationTrainingRuns.createdAt))
    .limit(1);
  return row?.at ?? null;
}

/**
 * Writes a buffer of events in one statement with one parameter (the rows as JSON): a batch of
 * thousands of "shown" events costs PostgreSQL one insert and the server no per-value
 * query building.
 */
export async function insertEvents(db: DbOrTx, rows: EventInsert[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await db.execute(sql`
    insert into recommendation_events (trader_id, group_id, product_id, kind, model_version,
      experiment_id, variant, position, created_at)
    select "traderId", "groupId", "productId", kind, "modelVersion", "experimentId", variant,
      position, coalesce("createdAt", now())
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v("traderId" uuid, "groupId" uuid,
      "productId" uuid, kind text, "modelVersion" integer, "experimentId" uuid, variant text,
      position integer, "createdAt" timestamptz)`);
}
