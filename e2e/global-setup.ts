import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWebBuilt, startServer } from "./support.ts";

/**
 * Migrates and seeds one data directory for the whole run (the demo world, its histories and its
 * first model take most of a server's first start); each journey's server starts on a copy of it,
 * so journeys stay independent and the run pays for the seed once.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.E2E_BASE_URL) {
    return () => {};
  }
  ensureWebBuilt();
  const template = mkdtempSync(join(tmpdir(), "cs-e2e-template-"));
  const server = await startServer({}, { dataDir: template });
  await server.stop();
  process.env.CS_E2E_DATA_TEMPLATE = template;
  return () => rmSync(template, { recursive: true, force: true });
}
