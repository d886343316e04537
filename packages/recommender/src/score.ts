import type { FittedScorer } from "./evaluate.ts";
import {
  fuseLists,
  idleSignals,
  listsFromScores,
  type Mode,
  scoreAllSignals,
  type Weights,
} from "./fusion.ts";
import type { HybridModel } from "./hybrid.ts";
import { type Profile, profileOf, SIGNALS, type Signal, scoreSignal } from "./signals.ts";

/** Buffers one request needs, kept per model: serving allocates nothing per product. */
export interface Workspace {
  scratch: Float64Array;
  scores: Float64Array;
  /** All zero between requests (whoever sets entries clears them). */
  mask: Uint8Array;
  excluded: Uint8Array;
}

const workspaces = new WeakMap<HybridModel, Workspace>();

/** The model's workspace (requests are synchronous, so one per model is enough). */
export function workspaceOf(model: HybridModel): Workspace {
  let ws = workspaces.get(model);
  if (!ws) {
    const n = model.itemIds.length;
    ws = {
      scratch: new Float64Array(n * (SIGNALS.length + 1)),
      scores: new Float64Array(n),
      mask: new Uint8Array(n),
      excluded: new Uint8Array(n),
    };
    workspaces.set(model, ws);
  }
  return ws;
}

/**
 * The fused score of every product for a profile, into out. In "discovery" mode the trader's own
 * products (a known trader's history; a cold-start stand-in is nobody's own) are left out of the
 * ranking (score −Infinity). Returns the signals' ranked lists, which explanations read.
 */
export function scoreProfile(
  model: HybridModel,
  profile: Profile,
  mode: Mode,
  out: Float64Array,
  weights: Weights = model.weights,
): Record<Signal, Int32Array> {
  const n = model.itemIds.length;
  const { scratch, excluded: mask } = workspaceOf(model);
  const own = profile.user >= 0 ? profile.items : [];
  let excluded: Uint8Array | null = null;
  if (mode === "discovery" && own.length > 0) {
    excluded = mask;
    for (let e = 0; e < own.length; e++) {
      excluded[own[e] as number] = 1;
    }
  }
  const raw = scratch.subarray(0, n * SIGNALS.length);
  const skip = idleSignals(model.calibrations[mode], weights);
  scoreAllSignals(model.signals, profile, raw, skip);
  const lists = listsFromScores(
    model.signals,
    raw,
    excluded,
    scratch.subarray(n * SIGNALS.length),
    skip,
  );
  fuseLists(lists, model.calibrations[mode], weights, out);
  if (excluded) {
    for (let e = 0; e < own.length; e++) {
      out[own[e] as number] = Number.NEGATIVE_INFINITY;
      excluded[own[e] as number] = 0;
    }
  }
  return lists;
}

/** The hybrid as a scorer for the evaluation protocol. */
export function hybridScorer(model: HybridModel, mode: Mode): FittedScorer {
  return {
    itemIds: model.itemIds,
    userIndex: model.userIndex,
    score: (u, out) => {
      scoreProfile(model, profileOf(model.signals, u), mode, out);
    },
  };
}

/** One raw signal of the hybrid alone, as a scorer (the "component alone" baselines). */
export function signalScorer(model: HybridModel, signal: Signal): FittedScorer {
  return {
    itemIds: model.itemIds,
    userIndex: model.userIndex,
    score: (u, out) => scoreSignal(model.signals, signal, profileOf(model.signals, u), out),
  };
}
