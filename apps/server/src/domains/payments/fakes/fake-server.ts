import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the local fake providers share: a tiny HTTP server on loopback (a random port unless
 * told), faults a test or a developer can switch on (down, slow), and callbacks delivered the way
 * real providers deliver them: normally, late, twice, or not at all, retried on errors.
 */

export interface FakeRequest {
  method: string;
  /** The path, lowercased (Paynow's own URLs mix cases), without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeResponse {
  status?: number;
  type?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A fault on every API path, or only on the paths named (lowercase, e.g. `/v3/payments`). */
export type Fault =
  | { mode: "none" }
  | { mode: "down"; paths?: string[] }
  | { mode: "slow"; ms: number; paths?: string[] };
export type CallbackMode = "normal" | "twice" | "never" | { lateMs: number };

export interface FakeServer {
  url: string;
  /** Makes every API answer 503 (down) or answer late (slow), until set back to none. */
  setFault(fault: Fault): void;
  setCallbacks(mode: CallbackMode): void;
  /** Schedules work on the fake's clock; cleared on close. */
  later(ms: number, run: () => void | Promise<void>): void;
  /** POSTs a callback as the mode says; retried up to `attempts` times while not 2xx. */
  callback(url: string, body: string, headers: Record<string, string>): void;
  /** How many requests each path received. */
  hits(path: string): number;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  host?: string;
  port?: number;
  /** Multiplies every delay: 1 is real time, 0.01 turns 5 s into 50 ms for tests. */
  timeScale: number;
  callbackAttempts: number;
  /** Paths that stay up whatever the fault (the fake's own control routes). */
  alwaysUp?: (path: string) => boolean;
  handle(request: FakeRequest): Promise<FakeResponse> | FakeResponse;
}

/** Starts a fake provider. */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  let fault: Fault = { mode: "none" };
  let callbacks: CallbackMode = "normal";
  const timers = new Set<NodeJS.Timeout>();
  const counts = new Map<string, number>();
  const scale = (ms: number) => Math.round(ms * options.timeScale);

  function later(ms: number, run: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void Promise.resolve()
        .then(run)
        .catch(() => {});
    }, scale(ms));
    timers.add(timer);
  }

  async function post(url: string, body: string, headers: Record<string, string>, left: number) {
    const ok = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    }).then(
      (response) => response.ok,
      () => false,
    );
    if (!ok && left > 1) {
      // At least 200 ms of real time between tries, however fast the fake's clock runs: a
      // callback that raced our own record of the request (a delivery report before we stored
      // the message id) must find that record on a busy machine too.
      later(Math.max(1_000, 200 / options.timeScale), () => post(url, body, headers, left - 1));
    }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://fake");
      const path = url.pathname.toLowerCase().replace(/\/+$/, "") || "/";
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const send = (answer: FakeResponse) => {
        response.statusCode = answer.status ?? 200;
        response.setHeader("content-type", answer.type ?? "text/plain; charset=utf-8");
        for (const [name, value] of Object.entries(answer.headers ?? {})) {
          response.setHeader(name, value);
        }
        response.end(answer.body ?? "");
      };
      const run = async () => {
        const current = fault;
        const hit =
          current.mode !== "none" &&
          !(options.alwaysUp?.(path) ?? false) &&
          (!current.paths || current.paths.includes(path));
        if (hit && current.mode === "down") {
          return send({ status: 503, body: "Service Unavailable" });
        }
        const answer = await options.handle({
          method: request.method ?? "GET",
          path,
          query: url.searchParams,
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        // Slow: the work is done at once, the answer comes late (what makes a timeout ambiguous).
        if (hit && current.mode === "slow") {
          await new Promise((resolve) => setTimeout(resolve, current.ms));
        }
        send(answer);
      };
      run().catch((error: unknown) =>
        send({ status: 500, body: error instanceof Error ? error.message : "fake failed" }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`,
    setFault(next) {
      fault = next;
    },
    setCallbacks(mode) {
      callbacks = mode;
    },
    later,
    callback(url, body, headers) {
      const mode = callbacks;
      if (mode === "never") {
        return;
      }
      const delay = typeof mode === "object" ? mode.lateMs / options.timeScale : 0;
      const times = mode === "twice" ? 2 : 1;
      for (let i = 0; i < times; i++) {
        later(delay, () => post(url, body, headers, options.callbackAttempts));
      }
    },
    hits: (path) => counts.get(path.toLowerCase()) ?? 0,
    async close() {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A small HTML page for a fake's hosted checkout (what a human clicks when trying flows). */
export function fakePage(title: string, body: string): FakeResponse {
  return {
    type: "text/html; charset=utf-8",
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:440px;margin:24px auto;padding:0 16px}
button{display:block;width:100%;min-height:48px;margin:8px 0;font-size:16px}</style></head>
<body><h1>${title}</h1><p><strong>Local fake: no real money moves.</strong></p>${body}</body></html>`,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
