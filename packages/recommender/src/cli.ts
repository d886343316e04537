// `npm run recommender -- eval --data DIR [--split-at ISO-TIME] [--protocol A1|A2|both] [--k 10]`
// prints one JSON object: the hybrid and the baselines on the protocol of data/README.md.
import { parseArgs } from "node:util";
import type { Protocol } from "./evaluate.ts";
import { DataError, loadDataset, parseTime } from "./load.ts";
import { runEvaluation } from "./run-eval.ts";

const USAGE =
  "usage: recommender eval --data DIR [--split-at ISO-TIME] [--protocol A1|A2|both] [--k 10]";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: "string" },
        "split-at": { type: "string" },
        protocol: { type: "string", default: "both" },
        k: { type: "string", default: "10" },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "eval") {
    fail(USAGE);
  }
  const dir = values.data;
  if (typeof dir !== "string" || dir === "") {
    fail(`--data DIR is required\n${USAGE}`);
  }
  const protocolText = String(values.protocol).toUpperCase();
  const protocols: Protocol[] | null =
    protocolText === "BOTH"
      ? ["A1", "A2"]
      : protocolText === "A1" || protocolText === "A2"
        ? [protocolText]
        : null;
  if (!protocols) {
    fail(`--protocol must be A1, A2 or both (got ${values.protocol})`);
  }
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1) {
    fail(`--k must be a whole number of at least 1 (got ${values.k})`);
  }
  let splitAt: number | undefined;
  if (typeof values["split-at"] === "string") {
    splitAt = parseTime(values["split-at"]);
    if (!Number.isFinite(splitAt)) {
      fail(`--split-at must be an ISO time such as 2011-07-12T11:55 (got ${values["split-at"]})`);
    }
  }
  try {
    const data = loadDataset(dir);
    if (data.interactions.length === 0) {
      fail(`${dir}: interactions.csv has no readable rows (${data.skipped.interactions} skipped)`);
    }
    const report = runEvaluation(data, { splitAt, protocols, k });
    process.stdout.write(`${JSON.stringify({ data: dir, ...report }, null, 2)}\n`);
  } catch (error) {
    if (error instanceof DataError) {
      fail(error.message);
    }
    throw error;
  }
}

main(process.argv.slice(2));
