// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or source file, and the
// hottest functions. Only with BENCH_PROFILE=1, which slows the server down a little: the timed
// figures in BENCHMARKS.md come from runs without it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

function bucketOf(url, functionName) {
  if (!url) {
    return functionName.startsWith("(") ? functionName : "(native)";
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) {
    return modules[1];
  }
  if (url.startsWith("node:")) {
    return url
      .replace(/^node:internal\//, "node:")
      .split("/")
      .slice(0, 2)
      .join("/");
  }
  const own = /\/((?:apps|packages)\/.+)$/.exec(url);
  return own ? own[1] : url;
}

export function summarizeProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((sum, v) => sum + v, 0);
  const buckets = new Map();
  const functions = new Map();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    const bucket = bucketOf(callFrame.url, callFrame.functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
    const name = `${callFrame.functionName || "(anonymous)"} ${bucket}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const share = (entries) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${((micros / total) * 100).toFixed(1)}% ${name}`);
  const idle = (buckets.get("(idle)") ?? 0) / total;
  return {
    sampledSeconds: Number((total / 1e6).toFixed(1)),
    idlePct: Number((idle * 100).toFixed(1)),
    selfTimeByPackageOrFile: share(buckets),
    hottestFunctions: share(functions),
  };
}

export function summarizeProfileDir(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  return files.length > 0 ? summarizeProfile(path.join(dir, files[0])) : null;
}
