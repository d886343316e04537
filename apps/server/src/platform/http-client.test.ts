import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpClient,
  type HttpClientOptions,
  UpstreamUnavailableError,
} from "./http-client.ts";

/** A server that answers each request with the next planned behaviour. */
let plan: Array<"ok" | "500" | "429" | "hang" | "400"> = [];
let hits = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits += 1;
    const next = plan.shift() ?? "ok";
    request.resume();
    if (next === "hang") {
      setTimeout(() => response.end("late"), 2_000);
      return;
    }
    response.statusCode = next === "ok" ? 200 : Number(next);
    response.end(next);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(overrides: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  let clock = 0;
  const http = createHttpClient({
    name: "test",
    baseUrl: base,
    timeoutMs: 400,
    retries: 2,
    backoffMs: 100,
    breaker: { threshold: 5, cooldownMs: 1_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => clock,
    random: () => 1,
    ...overrides,
  });
  return {
    http,
    sleeps,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe("provider HTTP client", () => {
  it("retries a read after 5xx and timeouts, backing off exponentially", async () => {
    plan = ["500", "hang", "ok"];
    hits = 0;
    const { http, sleeps } = client();
    const response = await http.request({ method: "GET", path: "/x", idempotent: true });
    expect(response).toEqual({ status: 200, text: "ok" });
    expect(hits).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it("never repeats a write that may have been acted on, and says it is ambiguous", async () => {
    plan = ["500", "ok"];
    hits = 0;
    const { http } = client();
    const error = await http
      .request({ method: "POST", path: "/pay", body: "a=1", idempotent: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).ambiguous).toBe(true);
    expect(hits).toBe(1);
    plan = [];
  });

  it("repeats any request the provider refused with 429, and any whose connection was refused", async () => {
    plan = ["429", "ok"];
    const { http } = client();
    expect((await http.request({ method: "POST", path: "/", idempotent: false })).status).toBe(200);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    const error = await down.http
      .request({ method: "POST", path: "/", idempotent: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ ambiguous: false });
    expect(down.sleeps).toHaveLength(1);
  });

  it("hands 4xx answers back as answers: the provider is up", async () => {
    plan = ["400"];
    const { http } = client();
    expect((await http.request({ method: "GET", path: "/", idempotent: true })).status).toBe(400);
    expect(http.breakerState()).toBe("closed");
  });

  it("opens the circuit after repeated failures, fails fast, then lets one trial through", async () => {
    plan = Array(6).fill("500");
    hits = 0;
    const { http, advance } = client({ retries: 0 });
    for (let i = 0; i < 5; i++) {
      await expect(http.request({ method: "GET", path: "/", idempotent: true })).rejects.toThrow(
        "answered 500",
      );
    }
    expect(http.breakerState()).toBe("open");
    await expect(http.request({ method: "GET", path: "/", idempotent: true })).rejects.toThrow(
      /circuit open/,
    );
    expect(hits).toBe(5);
    advance(1_000);
    expect(http.breakerState()).toBe("half_open");
    // The trial fails: open again for another cooldown.
    await expect(http.request({ method: "GET", path: "/", idempotent: true })).rejects.toThrow();
    expect(http.breakerState()).toBe("open");
    advance(1_000);
    plan = ["ok"];
    expect((await http.request({ method: "GET", path: "/", idempotent: true })).text).toBe("ok");
    expect(http.breakerState()).toBe("closed");
  });
});
