import { deserializeModel, type HybridModel } from "@cs/recommender";
import type { AppContext } from "../../platform/context.ts";
import { activeModelRef, modelBytes } from "./repo.ts";

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
