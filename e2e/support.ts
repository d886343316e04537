import { type ChildProcess, execSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import encodeQR from "qr";

export const REPO_ROOT = new URL("..", import.meta.url).pathname;
export const SCREENSHOTS = join(REPO_ROOT, "e2e", "screenshots");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Builds the web app once if there is no build yet (the server serves apps/web/dist). */
export function ensureWebBuilt(): void {
  if (!existsSync(join(REPO_ROOT, "apps/web/dist/index.html"))) {
    execSync("npm run build -w @cs/web", { cwd: REPO_ROOT, stdio: "inherit" });
  }
}

export type RunningServer = { baseUrl: string; stop: () => Promise<void>; output: () => string };

/**
 * Starts the real server on a free port with a data directory of its own and waits for `/ready`.
 * The directory is a copy of `CS_E2E_DATA_TEMPLATE` when the run made one (e2e/global-setup.ts:
 * migrated and seeded once for every journey); otherwise the first start migrates and seeds it.
 * `E2E_BASE_URL` points the tests at a server already running instead. `env` adds to the
 * server's environment (e.g. PAYMENT_FAKES=true).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<RunningServer> {
  const external = process.env.E2E_BASE_URL;
  if (external) {
    return { baseUrl: external.replace(/\/$/, ""), stop: async () => {}, output: () => "" };
  }
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "cs-e2e-data-"));
  const template = process.env.CS_E2E_DATA_TEMPLATE;
  if (!options.dataDir && template) {
    cpSync(template, dataDir, { recursive: true });
  }
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "apps/server/src/main.ts"],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        // Checkout and return links must use the host the browser uses: the refresh cookie is
        // per host, and a trader sent back to `localhost` instead would arrive signed out.
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
        // Every browser of a journey comes from 127.0.0.1: one real user's per-IP limit would
        // throttle the whole cast (the admin's pages were answered 429 once the journeys grew).
        RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? "5000",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/ready`);
      if (res.status === 200) {
        return { baseUrl, stop, output: () => output };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`server not ready within 150 s:\n${output}`);
}

/**
 * Debian's Chromium through playwright-core, phone-sized, in a fresh profile. `extraArgs` add
 * Chromium switches (a fake camera, say).
 */
export function launchBrowser(extraArgs: string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "cs-e2e-chromium-")), {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 360, height: 740 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

/**
 * A camera that films `text` as a QR code: writes a short Y4M video of it (black modules on
 * white, with the quiet zone, centred in 640 × 480) and answers the Chromium switches that make
 * it the camera every `getUserMedia` gets, without a permission prompt.
 */
export function qrCamera(text: string): string[] {
  const modules = encodeQR(text, "raw", { ecc: "medium" });
  const width = 640;
  const height = 480;
  const scale = Math.floor(440 / (modules.length + 8));
  const side = (modules.length + 8) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 0xff);
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (!dark) {
        return;
      }
      for (let dy = 0; dy < scale; dy++) {
        const offset = (top + (y + 4) * scale + dy) * width + left + (x + 4) * scale;
        luma.fill(0, offset, offset + scale);
      }
    });
  });
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 0x80);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const path = join(mkdtempSync(join(tmpdir(), "cs-e2e-camera-")), "qr.y4m");
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
  return [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    `--use-file-for-fake-video-capture=${path}`,
  ];
}

/**
 * Signs `phone` in through the API and hands the refresh cookie to the browser context, so that
 * its pages arrive signed in. Answers the access token, for set-up calls.
 */
export async function signInBrowser(
  baseUrl: string,
  context: BrowserContext,
  phone: string,
  password: string,
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ phone, password }),
  });
  const body = (await res.json()) as { accessToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => /^cs_refresh=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
  if (!res.ok || !cookie) {
    throw new Error(`login ${phone}: ${res.status}`);
  }
  await giveRefreshCookie(baseUrl, context, cookie);
  return body.accessToken;
}

/** Puts a session's refresh cookie in a browser context, as a sign-in would have. */
export async function giveRefreshCookie(
  baseUrl: string,
  context: BrowserContext,
  cookie: string,
): Promise<void> {
  await context.addCookies([
    {
      name: "cs_refresh",
      value: cookie,
      domain: new URL(baseUrl).hostname,
      path: "/api/v1/auth",
      httpOnly: true,
      sameSite: "Strict",
    },
  ]);
}

type OutboxMessage = { channel: string; recipient: string; body: string; createdAt: string };

/** Polls the dev SMS outbox until a message to `phone` (E.164) holds a 6-digit code. */
export async function readSmsCode(baseUrl: string, phone: string, notBefore = 0): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/dev/messages.json?to=${encodeURIComponent(phone)}`);
    if (res.ok) {
      const { items } = (await res.json()) as { items: OutboxMessage[] };
      for (const message of items) {
        const code = /\b(\d{6})\b/.exec(message.body)?.[1];
        if (code && Date.parse(message.createdAt) >= notBefore) {
          return code;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no SMS code for ${phone} within 20 s`);
}

type JsonAnswer<T> = { status: number; body: T; headers: Headers };

/** Calls the API from the test itself (set-up that a browser journey does not need to show). */
export async function callApi<T = unknown>(
  baseUrl: string,
  path: string,
  options: { method?: string; body?: unknown; token?: string } = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
  }
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** Logs in through the API and answers the access token. */
export async function loginToken(baseUrl: string, phone: string, password: string) {
  const res = await callApi<{ accessToken: string }>(baseUrl, "/auth/login", {
    method: "POST",
    body: { phone, password },
  });
  if (res.status !== 200) {
    throw new Error(`login ${phone}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.accessToken;
}

export type ApiTrader = { phone: string; token: string; refreshCookie: string };

/**
 * Registers a trader through the API and confirms the phone with the code from the dev SMS
 * outbox. `refreshCookie` is the session's refresh cookie, to hand to a browser context.
 */
export async function registerTraderViaApi(baseUrl: string, name: string): Promise<ApiTrader> {
  const national = `77${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const phone = `0${national}`;
  const sentAfter = Date.now() - 5_000;
  const res = await callApi<{ accessToken: string }>(baseUrl, "/auth/register", {
    method: "POST",
    body: { phone, name, password: "Mbare2026!", language: "en" },
  });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const refreshCookie = res.headers
    .getSetCookie()
    .map((cookie) => /^cs_refresh=([^;]+)/.exec(cookie)?.[1])
    .find(Boolean);
  if (!refreshCookie) {
    throw new Error("register answered no refresh cookie");
  }
  const code = await readSmsCode(baseUrl, `+263${national}`, sentAfter);
  const verified = await callApi(baseUrl, "/auth/verify-phone", {
    method: "POST",
    body: { code },
    token: res.body.accessToken,
  });
  if (verified.status !== 200) {
    throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  }
  return { phone, token: res.body.accessToken, refreshCookie };
}
