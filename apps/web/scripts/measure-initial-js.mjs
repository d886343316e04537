// Sums the gzip size of the JavaScript the landing route downloads before it can render:
// the entry script in dist/index.html plus every chunk it imports statically (recursively),
// which is what the browser fetches (the entry and its modulepreloads). Lazy chunks are left out.
// Run after `vite build`: node scripts/measure-initial-js.mjs [budgetKB]
import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const entries = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]);

const seen = new Set();
const queue = entries.map((src) => src.replace(/^\//, ""));
while (queue.length > 0) {
  const file = queue.pop();
  if (seen.has(file)) {
    continue;
  }
  seen.add(file);
  const code = readFileSync(join(dist, file), "utf8");
  // Static imports only: `import ... from "./x.js"` and bare `import "./x.js"`, not `import("...")`.
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)) {
    queue.push(posix.join(posix.dirname(file), m[1]));
  }
}

let total = 0;
for (const file of [...seen].sort()) {
  const gz = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += gz;
  console.log(`${(gz / 1024).toFixed(2).padStart(8)} KB  ${file}`);
}
const budget = Number(process.argv[2] ?? 120);
console.log(
  `${(total / 1024).toFixed(2).padStart(8)} KB  total initial JS (gzip) for /, budget ${budget} KB`,
);
if (total / 1024 > budget) {
  process.exitCode = 1;
}
