import { deserializeModel, type HybridModel } from "@cs/recommender";
import type { AppContext } from "../../platform/context.ts";
import { activeModelRef, modelBytes, modelVersionOf } from "./repo.ts";

export interface LoadedModel {
  id: string;
  version: number;
  model: HybridModel;
}

/** How long a process trusts its idea of which version is active before asking the database. */
const CHECK_MS = 5_000;

interface Slot {
  checkedAt: number;
  loaded: LoadedModel | null;
  pending: Promise<LoadedModel | null> | null;
}
/** One slot per running app (tests run several apps, on different databases, in one process). */
const slots = new WeakMap<AppContext, Slot>();

/**
 * The active model, deserialized once per process and kept in memory. Every few seconds one
 * request asks which version is active (a tiny query) and, when it changed (a training run or
 * a rollback, in any process), loads the new one; the others keep being served by the old one
 * meanwhile, so a swap never makes anyone wait or fail.
 */
export async function activeModel(ctx: AppContext): Promise<LoadedModel | null> {
  let slot = slots.get(ctx);
  if (!slot) {
    slot = { checkedAt: 0, loaded: null, pending: null };
    slots.set(ctx, slot);
  }
  const s = slot;
  if (Date.now() - s.checkedAt < CHECK_MS) {
    return s.loaded;
  }
  s.pending ??= (async () => {
    try {
      const ref = await activeModelRef(ctx.db);
      if (!ref) {
        s.loaded = null;
      } else if (s.loaded?.id !== ref.id) {
        const bytes = await modelBytes(ctx.db, ref.id);
        s.loaded = bytes
          ? { id: ref.id, version: ref.version, model: deserializeModel(bytes) }
          : null;
      }
      s.checkedAt = Date.now();
      return s.loaded;
    } finally {
      s.pending = null;
    }
  })();
  // While a routine check runs, those who already have a model are served by it; after a swap
  // in this process (checkedAt reset to 0) everyone waits for the new one.
  return s.checkedAt === 0 ? s.pending : (s.loaded ?? s.pending);
}

/** After this process changed the active version: look again on the next request. */
export function forgetActiveModel(ctx: AppContext): void {
  const slot = slots.get(ctx);
  if (slot) {
    slot.checkedAt = 0;
  }
}

/** Versions kept in memory for experiments besides the active one (variants pin few). */
const MAX_PINNED = 4;
const pinned = new WeakMap<AppContext, Map<string, Promise<LoadedModel | null>>>();

/**
 * A model by id, for an experiment's variant that pins a version: deserialized once and kept
 * (models never change once stored), the least recently used dropped beyond a few.
 */
export async function modelById(ctx: AppContext, id: string): Promise<LoadedModel | null> {
  const cache = pinned.get(ctx) ?? new Map<string, Promise<LoadedModel | null>>();
  pinned.set(ctx, cache);
  const hit = cache.get(id);
  if (hit) {
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const loading = (async () => {
    const [bytes, version] = await Promise.all([
      modelBytes(ctx.db, id),
      modelVersionOf(ctx.db, id),
    ]);
    return bytes && version !== null ? { id, version, model: deserializeModel(bytes) } : null;
  })();
  cache.set(id, loading);
  // A failed load is not kept: the next request tries again.
  void loading.catch(() => cache.delete(id));
  for (const key of cache.keys()) {
    if (cache.size <= MAX_PINNED) {
      break;
    }
    cache.delete(key);
  }
  return loading;
}
