import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The database handle every module uses; the same API whether PGlite or PostgreSQL is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle: what `db.transaction(async (tx) => …)` passes in. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction, for repository functions that work in both. */
export type DbOrTx = Database | Tx;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  /** Applies every pending migration (idempotent). */
  migrate(): Promise<void>;
  /** True when the database answers and every migration of this build has been applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "pglite"; dataDir: string | null; loadDataDir?: Blob };

/** Opens the embedded PGlite database (data in a folder, or in memory) or PostgreSQL. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = drizzlePg(pool, { schema }) as unknown as Database;
    return {
      db,
      kind: "postgres",
      migrate: () => migratePg(drizzlePg(pool), { migrationsFolder: MIGRATIONS_FOLDER }),
      isReady: () => migrationsApplied(db),
      close: () => pool.end(),
    };
  }
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
  }
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER }),
    isReady: () => migrationsApplied(db),
    close: () => client.close(),
    // Exposed for the test harness, which clones a migrated template through dumpDataDir().
    ...{ pglite: client },
  };
}

function expectedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

let expectedCount: number | undefined;

async function migrationsApplied(db: Database): Promise<boolean> {
  expectedCount ??= expectedMigrationCount();
  try {
    const rows = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    return Number(rows[0]?.n ?? 0) >= expectedCount;
  } catch {
    return false;
  }
}

/**
 * `ids` as one `uuid[]` parameter, for `column = any(...)`. A statement that joins a table to a
 * JSON record set (`from jsonb_to_recordset(...)`) needs it beside the join: the planner guesses
 * the set at 100 rows and scans the whole table otherwise; with it, it reads by the index.
 */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}

/**
 * The rows `read` finds for these ids, handed to it once each as one `uuid[]` (for
 * `column = any(...)`); no statement at all when there are none.
 */
export async function readByIds<T>(
  ids: Iterable<string>,
  read: (anyOf: SQL) => Promise<T[]>,
): Promise<T[]> {
  const distinct = [...new Set(ids)];
  return distinct.length === 0 ? [] : read(uuidArray(distinct));
}

/** Runs raw SQL and returns its rows (PGlite and node-postgres both answer `{ rows }`). */
export async function queryRows<T extends Record<string, unknown>>(
  db: DbOrTx,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * True when `error` (as thrown by PGlite, node-postgres, or Drizzle wrapping either) is a unique
 * violation of the named constraint or index.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const pg = cause as { code?: string; constraint?: string; message?: string };
  return (
    pg.code === "23505" && (pg.constraint === constraint || (pg.message ?? "").includes(constraint))
  );
}
