import { expect } from "vitest";
import type { TestApp } from "./harness.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A JSON request through the real app (auth, validation and errors included). */
export function send(
  t: TestApp,
  method: Method,
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  return t.app.inject({
    method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

/** Asserts an RFC 9457 problem with the given status and code; returns its field paths. */
export function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
): string[] {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers["content-type"])).toMatch(/^application\/problem\+json/);
  const body = response.json() as {
    code: string;
    status: number;
    errors?: Array<{ path: string }>;
  };
  expect(body).toMatchObject({ code, status });
  return (body.errors ?? []).map((error) => error.path);
}
