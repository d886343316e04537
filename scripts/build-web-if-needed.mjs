// Builds the PWA when apps/web/dist is missing or older than its sources, so `npm start` is quick
// after the first run and never serves a stale app.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const built = path.join(root, "apps/web/dist/index.html");
const sources = [
  "apps/web/src",
  "apps/web/public",
  "apps/web/index.html",
  "apps/web/vite.config.ts",
  "packages/contracts/src",
];

function newest(target) {
  if (!existsSync(target)) {
    return 0;
  }
  const stat = statSync(target);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(0, ...readdirSync(target).map((name) => newest(path.join(target, name))));
}

const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const changedAt = Math.max(...sources.map((s) => newest(path.join(root, s))));
if (builtAt > changedAt) {
  console.log("Web app is up to date.");
} else {
  console.log("Building the web app…");
  const result = spawnSync("npm", ["run", "build", "-w", "@cs/web"], {
    cwd: root,
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
