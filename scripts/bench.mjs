// `npm run bench`: the performance figures of BENCHMARKS.md, measured on this machine.
//  - cold start to /ready on the embedded database: a fresh DATA_DIR (creates, migrates, seeds),
//    then restarts on the same folder (the "after the first run" target: <= 3 s);
//  - the landing route's initial JavaScript in KB gzip (target <= 120 KB).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const runs = Number(process.env.BENCH_RUNS ?? 5);

async function startOnce(dataDir, port) {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
      REDIS_URL: "",
    },
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let alive = true;
  exited.then(() => {
    alive = false;
  });
  try {
    for (;;) {
      if (!alive) {
        throw new Error(`server exited before it was ready (exit code ${child.exitCode})`);
      }
      if (performance.now() - started > 120_000) {
        throw new Error("server did not become ready in 120 s");
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/ready`);
        if (response.status === 200) {
          return (performance.now() - started) / 1000;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function landingJs() {
  const dist = path.join(root, "apps/web/dist");
  const html = path.join(dist, "index.html");
  if (!existsSync(html)) {
    return null;
  }
  const page = readFileSync(html, "utf8");
  const files = new Set();
  for (const match of page.matchAll(
    /<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g,
  )) {
    files.add(match[1] ?? match[2]);
  }
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dist, file.replace(/^\//, "")));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: [...files], rawKb: raw / 1024, gzipKb: gzip / 1024 };
}

const dataDir = mkdtempSync(path.join(tmpdir(), "cs-bench-"));
try {
  const first = await startOnce(dataDir, 3901);
  const restarts = [];
  for (let i = 0; i < runs; i++) {
    restarts.push(await startOnce(dataDir, 3902 + i));
  }
  const js = landingJs();
  const result = {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    coldStartFirstRunSeconds: Number(first.toFixed(2)),
    coldStartRestartSeconds: {
      median: Number(median(restarts).toFixed(2)),
      runs: restarts.map((s) => Number(s.toFixed(2))),
    },
    landingInitialJs: js
      ? {
          gzipKb: Number(js.gzipKb.toFixed(1)),
          rawKb: Number(js.rawKb.toFixed(1)),
          files: js.files,
        }
      : "apps/web/dist missing: run npm run build",
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
