import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticMarket } from "./test-market.ts";

const cli = path.join(import.meta.dirname, "cli.ts");
const run = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { encoding: "utf8" });

function writeMarket(extraLines: string[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), "reco-cli-"));
  const market = syntheticMarket(90, 150);
  const rows = market.interactions.map(
    (x) => `${x.userId},${x.itemId},${new Date(x.timestamp).toISOString()},${x.quantity ?? 1}`,
  );
  writeFileSync(
    path.join(dir, "interactions.csv"),
    ["user_id,item_id,timestamp,quantity", ...rows, ...extraLines].join("\n"),
  );
  writeFileSync(
    path.join(dir, "items.csv"),
    [
      "item_id,text,category,unit_price",
      ...market.items.map((i) => `${i.itemId},"${i.text}",${i.category},`),
    ].join("\n"),
  );
  return dir;
}

describe("recommender eval (the command)", () => {
  it("prints one JSON object with the hybrid and every baseline, counting bad rows", () => {
    const dir = writeMarket(["broken-row", "u,i,yesterday,1", ",,,"]);
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", cli, "eval", "--data", dir, "--k", "5"],
      {
        encoding: "utf8",
      },
    );
    const report = JSON.parse(out);
    expect(report.k).toBe(5);
    expect(report.rows.skipped.interactions).toBe(3);
    expect(Object.keys(report.results)).toEqual(["A1", "A2"]);
    expect(Object.keys(report.results.A2)).toEqual(
      expect.arrayContaining([
        "hybrid",
        "pop",
        "buy_again",
        "ease",
        "itemKnn",
        "nmf",
        "content",
        "popularity",
        "buyAgain",
      ]),
    );
    expect(report.results.A1.buy_again).toBeUndefined();
    expect(report.results.A1.buyAgain).toBeUndefined();
    for (const metrics of Object.values(report.results.A2) as Record<string, number>[]) {
      for (const key of [
        "precision",
        "recall",
        "ndcg",
        "hitRate",
        "coverage",
        "users",
        "fitSeconds",
      ]) {
        expect(Number.isFinite(metrics[key])).toBe(true);
      }
    }
    expect(report.segments.k).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("takes --split-at and --protocol", () => {
    const dir = writeMarket();
    const out = run([
      "eval",
      "--data",
      dir,
      "--protocol",
      "a2",
      "--split-at",
      "2025-05-01T00:00:00Z",
    ]);
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.cutoff).toBe("2025-05-01T00:00:00.000Z");
    expect(Object.keys(report.results)).toEqual(["A2"]);
  }, 30_000);

  it.each([
    [["eval", "--data", "/no/such/dir"], /^\/no\/such\/dir: no such folder/],
    [["eval"], /^--data DIR is required/],
    [["train"], /^usage: recommender eval/],
    [["eval", "--data", ".", "--protocol", "A3"], /^--protocol must be A1, A2 or both/],
    [["eval", "--data", ".", "--k", "0"], /^--k must be a whole number/],
    [["eval", "--data", ".", "--split-at", "soon"], /^--split-at must be an ISO time/],
  ])("explains %j in one line", (args, message) => {
    const out = run(args);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe("");
  });

  it("explains a file in the wrong format in one line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "reco-cli-"));
    writeFileSync(path.join(dir, "interactions.csv"), "who,what,when\na,b,c\n");
    const out = run(["eval", "--data", dir]);
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
    expect(out.stderr).toMatch(/no user_id, item_id, timestamp column/);
  });
});
