import {
  type DbOrTx,
  recommendationExperiments,
  recommendationExperimentVariants,
  recommendationModels,
} from "@cs/db";
import { and, asc, desc, eq, inArray } from "drizzle-orm";

export type ExperimentRow = typeof recommendationExperiments.$inferSelect;
type VariantRow = typeof recommendationExperimentVariants.$inferSelect;

/** A variant as served and presented: its model's version beside its id. */
export interface VariantRecord {
  key: string;
  position: number;
  share: number;
  modelId: string | null;
  modelVersion: number | null;
  weights: Record<string, number> | null;
}
export type ExperimentRecord = ExperimentRow & { variants: VariantRecord[] };

async function withVariants(db: DbOrTx, rows: ExperimentRow[]): Promise<ExperimentRecord[]> {
  if (rows.length === 0) {
    return [];
  }
  const variants = await db
    .select({
      experimentId: recommendationExperimentVariants.experimentId,
      key: recommendationExperimentVariants.key,
      position: recommendationExperimentVariants.position,
      share: recommendationExperimentVariants.share,
      modelId: recommendationExperimentVariants.modelId,
      modelVersion: recommendationModels.version,
      weights: recommendationExperimentVariants.weights,
    })
    .from(recommendationExperimentVariants)
    .leftJoin(
      recommendationModels,
      eq(recommendationModels.id, recommendationExperimentVariants.modelId),
    )
    .where(
      inArray(
        recommendationExperimentVariants.experimentId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(recommendationExperimentVariants.position));
  return rows.map((row) => ({
    ...row,
    variants: variants
      .filter((v) => v.experimentId === row.id)
      .map(({ experimentId: _, ...v }) => v),
  }));
}

export async function insertExperiment(
  db: DbOrTx,
  experiment: { id: string; name: string; createdBy: string | null },
  variants: Array<Omit<VariantRow, "experimentId">>,
): Promise<void> {
  await db.insert(recommendationExperiments).values(experiment);
  await db
    .insert(recommendationExperimentVariants)
    .values(variants.map((v) => ({ ...v, experimentId: experiment.id })));
}

export async function findExperiment(
  db: DbOrTx,
  id: string,
): Promise<ExperimentRecord | undefined> {
  const rows = await db
    .select()
    .from(recommendationExperiments)
    .where(eq(recommendationExperiments.id, id));
  return (await withVariants(db, rows))[0];
}

/** The newest experiments first. */
export async function listExperimentRecords(db: DbOrTx, limit = 50): Promise<ExperimentRecord[]> {
  const rows = await db
    .select()
    .from(recommendationExperiments)
    .orderBy(desc(recommendationExperiments.createdAt), desc(recommendationExperiments.id))
    .limit(limit);
  return withVariants(db, rows);
}

/** The running experiment, if any (at most one: the database says so). */
export async function findRunningExperiment(db: DbOrTx): Promise<ExperimentRecord | undefined> {
  const rows = await db
    .select()
    .from(recommendationExperiments)
    .where(eq(recommendationExperiments.status, "running"));
  return (await withVariants(db, rows))[0];
}

/** Moves an experiment from one status to the next; undefined when it was not in `from`. */
export async function transitionExperiment(
  db: DbOrTx,
  id: string,
  from: ExperimentRow["status"],
  set: Pick<ExperimentRow, "status"> & Partial<Pick<ExperimentRow, "startedAt" | "stoppedAt">>,
): Promise<ExperimentRow | undefined> {
  const [row] = await db
    .update(recommendationExperiments)
    .set(set)
    .where(and(eq(recommendationExperiments.id, id), eq(recommendationExperiments.status, from)))
    .returning();
  return row;
}

/** Model ids by version, for the versions that exist. */
export async function modelIdsByVersion(
  db: DbOrTx,
  versions: number[],
): Promise<Map<number, string>> {
  if (versions.length === 0) {
    return new Map();
  }
  const rows = await db
    .select({ id: recommendationModels.id, version: recommendationModels.version })
    .from(recommendationModels)
    .where(inArray(recommendationModels.version, versions));
  return new Map(rows.map((r) => [r.version, r.id]));
}
