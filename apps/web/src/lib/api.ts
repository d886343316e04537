import type { TProblem, TSession } from "@cs/contracts";
import { useSession } from "../stores/session.ts";

/** An API failure, carrying the problem+json `code` and any field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: Record<string, string>;
  /** Every issue's full path (`["tiers", "1", "minQty"]`), for forms with rows of fields. */
  readonly issuePaths: string[][];

  constructor(status: number, problem: Partial<TProblem>) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code ?? (status === 0 ? "network_error" : "unknown_error");
    this.fieldErrors = {};
    this.issuePaths = [];
    for (const issue of problem.errors ?? []) {
      this.issuePaths.push(pathOf(issue.path));
      const field = fieldOf(issue.path);
      if (field && !(field in this.fieldErrors)) {
        this.fieldErrors[field] = issue.message;
      }
    }
  }
}

/** `/body/tiers/1`, `body.tiers.1` and `tiers[1]` style paths as their parts: `tiers`, `1`. */
function pathOf(path: string): string[] {
  return path.split(/[./[\]]+/).filter((p) => p !== "" && p !== "body");
}

/** `/body/phone`, `body.phone`, `phone` and `["phone"]` style paths all name the field `phone`. */
function fieldOf(path: string): string {
  return pathOf(path)[0] ?? "";
}

type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** A file sent as it is (an image), with its own content type, instead of a JSON body. */
  upload?: Blob;
  signal?: AbortSignal;
};

let refreshInFlight: Promise<TSession | null> | null = null;

/**
 * Runs `task` while holding a lock shared by every tab of this site, where the browser has the
 * Web Locks API. Tabs share the refresh cookie, so the second tab's refresh, waiting its turn,
 * sends the cookie the first one received instead of replaying the old one.
 */
function acrossTabs<T>(task: () => Promise<T>): Promise<T> {
  return typeof navigator !== "undefined" && navigator.locks
    ? (navigator.locks.request("cs-session-refresh", task) as Promise<T>)
    : task();
}

/**
 * Exchanges the httpOnly refresh cookie for a new access token. Single-flight within the tab and
 * serialised across tabs: the server rotates the cookie and treats a reused one as theft, so two
 * refreshes must never race.
 */
export function refreshSession(): Promise<TSession | null> {
  if (!refreshInFlight) {
    refreshInFlight = acrossTabs(async () => {
      try {
        const res = await fetch("/api/v1/auth/refresh", {
          method: "POST",
          credentials: "same-origin",
        });
        if (!res.ok) {
          useSession.getState().signOut();
          return null;
        }
        const session = (await res.json()) as TSession;
        useSession.getState().signIn(session.accessToken, session.user);
        return session;
      } catch {
        // Offline or server down: carry on as the user last signed in on this device (the
        // next request that reaches the server refreshes for real, or ends the session).
        if (useSession.getState().status === "unknown") {
          useSession.getState().resumeOffline();
        }
        return null;
      } finally {
        refreshInFlight = null;
      }
    });
  }
  return refreshInFlight;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = useSession.getState().accessToken;
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  const init: RequestInit = {
    method: options.method ?? "GET",
    headers,
    credentials: "same-origin",
    signal: options.signal ?? null,
  };
  if (options.upload) {
    headers["content-type"] = options.upload.type;
    init.body = options.upload;
  } else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  try {
    return await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") {
      throw error;
    }
    throw new ApiError(0, { code: "network_error" });
  }
}

async function readProblem(res: Response): Promise<Partial<TProblem>> {
  try {
    const body: unknown = await res.json();
    return typeof body === "object" && body !== null ? (body as Partial<TProblem>) : {};
  } catch {
    return {};
  }
}

/**
 * Sends a request with the session's token, and once more after a refresh when the token has
 * expired, or when the app started offline as the remembered user and holds no token yet.
 * Throws `ApiError` on any non-2xx answer.
 */
async function request(path: string, options: RequestOptions): Promise<Response> {
  let res = await send(path, options);
  if (res.status === 401) {
    const problem = await readProblem(res.clone());
    const { status, accessToken } = useSession.getState();
    const resumed = status === "authenticated" && !accessToken;
    if (problem.code === "token_expired" || resumed) {
      const session = await refreshSession();
      if (session) {
        res = await send(path, options);
      }
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, await readProblem(res));
  }
  return res;
}

/**
 * Calls the API: JSON in and out, Bearer token from the session store, one refresh-and-retry when
 * the access token has expired. Throws `ApiError` on any non-2xx answer.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) {
    return undefined as T;
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Fetches a file the API serves only with the access token (a delivery photo). */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const res = await request(path, signal ? { signal } : {});
  return res.blob();
}
