import type { AppContext } from "./context.ts";

type Entries = Map<string, { at: number; value: Promise<unknown> }>;
/** One cache per running app and namespace (tests run several apps in one process). */
const caches = new WeakMap<AppContext, Map<string, Entries>>();

/**
 * A read shared for a moment by every request that needs the same thing: the first caller's
 * `load` runs, and callers within `ttlMs` of it get its promise (also while it is still running,
 * so a burst reads once). A failed load is forgotten at once. `ttlMs` 0 turns sharing off. At
 * most `maxEntries` keys per namespace are kept, the oldest dropped first.
 */
export function sharedRead<T>(
  ctx: AppContext,
  namespace: string,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
  maxEntries = 500,
): Promise<T> {
  if (ttlMs <= 0) {
    return load();
  }
  let spaces = caches.get(ctx);
  if (!spaces) {
    spaces = new Map();
    caches.set(ctx, spaces);
  }
  let cache = spaces.get(namespace);
  if (!cache) {
    cache = new Map();
    spaces.set(namespace, cache);
  }
  const entries = cache;
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < ttlMs) {
    return hit.value as Promise<T>;
  }
  // A real promise: a Drizzle query is a lazy thenable that runs again each time it is awaited,
  // so it must not be cached as it is.
  const value = Promise.resolve().then(load);
  entries.set(key, { at: now, value });
  value.catch(() => entries.delete(key));
  if (entries.size > maxEntries) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) {
      entries.delete(oldest);
    }
  }
  return value;
}
