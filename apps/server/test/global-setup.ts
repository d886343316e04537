import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "@cs/db";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { seedDemo } from "../src/domains/demo/seed.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** PGlite: a gzipped data directory of a migrated, seeded database. */
    pgliteTemplate: string;
    /** PostgreSQL: the name of a migrated, seeded template database. */
    pgTemplate: string;
  }
}

export const TEST_SEED = 42;

/**
 * Migrates and seeds one database for the whole run; every test file clones it, which is much
 * faster than migrating per file and keeps files independent of each other.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `cs_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ kind: "postgres", url: target.toString(), poolSize: 2 });
    await handle.migrate();
    await seedDemo(handle.db, TEST_SEED);
    await handle.close();
    project.provide("pgTemplate", name);
    project.provide("pgliteTemplate", "");
    return async () => {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "cs-template-"));
  const handle = await openDatabase({ kind: "pglite", dataDir: null });
  await handle.migrate();
  await seedDemo(handle.db, TEST_SEED);
  const client = (handle as unknown as { pglite: { dumpDataDir(c: "gzip"): Promise<Blob> } })
    .pglite;
  const dump = await client.dumpDataDir("gzip");
  const file = path.join(dir, "template.tar.gz");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide("pgliteTemplate", file);
  project.provide("pgTemplate", "");
  return () => rmSync(dir, { recursive: true, force: true });
}
