/**
 * A thin fetch client for the APIs of other companies (payment providers): a base URL, a timeout
 * per attempt, retries with exponential backoff and jitter, and a circuit breaker that stops
 * calling a provider that keeps failing, so traders are told at once instead of waiting on
 * timeouts. No SDK, nothing sent anywhere but the base URL (or an absolute URL we were given).
 */

/** The upstream did not answer usably. `ambiguous`: the request may have been acted on. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly upstream: string,
    message: string,
    readonly ambiguous = false,
  ) {
    super(`${upstream}: ${message}`);
  }
}

export interface HttpClientOptions {
  /** Named in errors and logs. */
  name: string;
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after the first, for requests that may be repeated. */
  retries: number;
  /** First backoff; doubled per attempt, capped at `maxBackoffMs`, with jitter. */
  backoffMs: number;
  maxBackoffMs?: number;
  breaker: {
    /** Consecutive failed attempts that open the circuit. */
    threshold: number;
    /** How long it stays open before one trial request is let through. */
    cooldownMs: number;
  };
  headers?: Record<string, string>;
  /** Injected in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface HttpRequest {
  method: "GET" | "POST";
  /** A path under the base URL, or an absolute URL the provider gave us. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Whether sending it twice is harmless (reads, idempotent writes). Only then is a request
   * retried after a timeout or a 5xx; any request is retried when the connection was refused.
   */
  idempotent: boolean;
}

export interface HttpResponse {
  status: number;
  text: string;
}

export type BreakerState = "closed" | "open" | "half_open";

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  breakerState(): BreakerState;
}

type Attempt =
  | { ok: true; response: HttpResponse }
  | { ok: false; retryable: boolean; ambiguous: boolean; message: string };

/** Builds a client; its breaker is per client, so per provider and per process. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let failures = 0;
  let openedAt: number | null = null;
  let trialInFlight = false;

  function state(): BreakerState {
    if (openedAt === null) {
      return "closed";
    }
    return now() - openedAt >= options.breaker.cooldownMs ? "half_open" : "open";
  }

  function recordFailure(): void {
    failures += 1;
    if (failures >= options.breaker.threshold || state() === "half_open") {
      openedAt = now();
    }
  }

  function recordSuccess(): void {
    failures = 0;
    openedAt = null;
  }

  async function attempt(request: HttpRequest): Promise<Attempt> {
    const url = /^https?:\/\//.test(request.path)
      ? request.path
      : `${options.baseUrl.replace(/\/$/, "")}${request.path}`;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: { ...options.headers, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: "manual",
      });
      const text = await response.text();
      if (response.status >= 500 || response.status === 429) {
        return {
          ok: false,
          // A 429 was refused before any work; a 5xx may have done the work.
          retryable: response.status === 429 || request.idempotent,
          ambiguous: response.status !== 429,
          message: `answered ${response.status}`,
        };
      }
      return { ok: true, response: { status: response.status, text } };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      const refused = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      return {
        ok: false,
        // A refused connection never carried the request: safe to send again.
        retryable: refused || request.idempotent,
        ambiguous: !refused,
        message: timedOut
          ? `no answer within ${options.timeoutMs} ms`
          : `unreachable (${code ?? (error instanceof Error ? error.message : "error")})`,
      };
    }
  }

  return {
    breakerState: state,

    async request(request) {
      let ambiguous = false;
      let last = "no attempt made";
      for (let n = 0; n <= options.retries; n++) {
        const current = state();
        if (current === "open" || (current === "half_open" && trialInFlight)) {
          throw new UpstreamUnavailableError(
            options.name,
            `circuit open after repeated failures (${last})`,
            ambiguous,
          );
        }
        const trial = current === "half_open";
        trialInFlight ||= trial;
        const result = await attempt(request).finally(() => {
          if (trial) {
            trialInFlight = false;
          }
        });
        if (result.ok) {
          recordSuccess();
          return result.response;
        }
        recordFailure();
        ambiguous ||= result.ambiguous;
        last = result.message;
        if (!result.retryable || n === options.retries) {
          break;
        }
        const cap = options.maxBackoffMs ?? 10_000;
        const backoff = Math.min(cap, options.backoffMs * 2 ** n);
        await sleep(backoff / 2 + (random() * backoff) / 2);
      }
      throw new UpstreamUnavailableError(options.name, last, ambiguous);
    },
  };
}
