// The hybrid on the public data sets (shared/data beside the repositories; skipped without them):
// the quality it reaches on the README's protocol, so that a change that loses it fails here.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "./load.ts";
import { publicDataRoot } from "./public-data.ts";
import { runEvaluation } from "./run-eval.ts";
import { SIGNALS } from "./signals.ts";

const dataRoot = publicDataRoot;

describe.skipIf(!dataRoot)("the hybrid on the real data", () => {
  it("beats EASE and buy-again on online-retail-dev (measured A1 0.1467, A2 0.4153; targets 0.140 and 0.414)", () => {
    const report = runEvaluation(loadDataset(path.join(dataRoot as string, "online-retail-dev")));
    const a1 = report.results.A1 ?? {};
    const a2 = report.results.A2 ?? {};
    // Floors just under what was measured (2026-12-06): room for rounding, not for a regression.
    expect(a1.hybrid?.ndcg).toBeGreaterThanOrEqual(0.146);
    expect(a2.hybrid?.ndcg).toBeGreaterThanOrEqual(0.414);
    expect(a2.hybrid?.ndcg).toBeGreaterThan((a2.buy_again?.ndcg ?? 1) * 1.04);
  }, 60_000);

  it("is not below its best signal on groceries, where popularity is hard to beat", () => {
    const report = runEvaluation(loadDataset(path.join(dataRoot as string, "groceries")));
    for (const protocol of ["A1", "A2"] as const) {
      const rows = report.results[protocol] ?? {};
      const best = Math.max(...SIGNALS.map((s) => rows[s]?.ndcg ?? 0), rows.pop?.ndcg ?? 0);
      expect(rows.hybrid?.ndcg).toBeGreaterThanOrEqual(best * 0.995);
      expect(rows.hybrid?.ndcg).toBeGreaterThan(rows.pop?.ndcg ?? 1);
    }
  }, 60_000);
});
