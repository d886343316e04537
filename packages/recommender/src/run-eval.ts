import {
  buildEvalSet,
  type FittedScorer,
  type Metrics,
  type Protocol,
  quantileTime,
  scoreProtocol,
  splitAt,
} from "./evaluate.ts";
import { fitHybrid, type HybridOptions } from "./hybrid.ts";
import type { Dataset } from "./load.ts";
import { distinctBuyers, type InteractionMatrix } from "./matrix.ts";
import { hybridScorer, signalScorer } from "./score.ts";
import { fitSegments } from "./segments.ts";
import { SIGNALS } from "./signals.ts";

export interface EvalOptions {
  /** Cutoff time (ms); default: the 80th percentile of all rows' times. */
  splitAt?: number;
  protocols?: readonly Protocol[];
  k?: number;
  hybrid?: HybridOptions;
}

export interface EvalReport {
  cutoff: string;
  k: number;
  rows: { train: number; test: number; skipped: { interactions: number; items: number } };
  candidates: number;
  /** Per protocol, per model: the metrics at k. */
  results: Partial<Record<Protocol, Record<string, Metrics>>>;
  /** Trader segments of the fitted model: K chosen and the silhouette of every K tried. */
  segments: { k: number; silhouette: Record<number, number>; seconds: number } | null;
}

/** The README's `pop`: distinct train buyers, the same for everyone. */
function popularityBaseline(m: InteractionMatrix): FittedScorer {
  const buyers = distinctBuyers(m);
  return { itemIds: m.itemIds, userIndex: m.userIndex, score: (_u, out) => out.set(buyers) };
}

/** The README's `buy_again`: the trader's own purchase counts (ties by popularity). */
function buyAgainBaseline(m: InteractionMatrix): FittedScorer {
  return {
    itemIds: m.itemIds,
    userIndex: m.userIndex,
    score: (u, out) => {
      out.fill(0);
      for (let e = m.indptr[u] as number; e < (m.indptr[u + 1] as number); e++) {
        out[m.indices[e] as number] = m.count[e] as number;
      }
    },
  };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function rounded(m: Metrics): Metrics {
  return {
    precision: round(m.precision),
    recall: round(m.recall),
    ndcg: round(m.ndcg),
    hitRate: round(m.hitRate),
    coverage: round(m.coverage),
    users: m.users,
    fitSeconds: Math.round(m.fitSeconds * 1000) / 1000,
  };
}

/**
 * Runs the protocol of data/README.md: temporal split, the hybrid fitted on train only, and the
 * baselines (popularity, buy-again, every signal of the hybrid alone) on the same users.
 */
export function runEvaluation(data: Dataset, options: EvalOptions = {}): EvalReport {
  const k = options.k ?? 10;
  const protocols = options.protocols ?? ["A1", "A2"];
  const cutoff = options.splitAt ?? quantileTime(data.interactions);
  const { train, test } = splitAt(data.interactions, cutoff);
  const set = buildEvalSet(train, test, data.items, cutoff);
  const started = performance.now();
  const model = fitHybrid(
    { interactions: train, items: data.items },
    { ...options.hybrid, now: cutoff },
  );
  const hybridSeconds = (performance.now() - started) / 1000;
  const results: EvalReport["results"] = {};
  for (const protocol of protocols) {
    const mode = protocol === "A1" ? "discovery" : "repeat";
    const rows: Record<string, Metrics> = {};
    const add = (name: string, scorer: FittedScorer, fitSeconds: number) => {
      rows[name] = rounded({ ...scoreProtocol(set, scorer, protocol, k), fitSeconds });
    };
    add("hybrid", hybridScorer(model, mode), hybridSeconds);
    add("pop", popularityBaseline(set.matrix), 0);
    if (protocol === "A2") {
      add("buy_again", buyAgainBaseline(set.matrix), 0);
    }
    for (const signal of SIGNALS) {
      // Buy-again only ranks the trader's own products, which A1 takes out: nothing to rank.
      if (protocol === "A2" || signal !== "buyAgain") {
        add(signal, signalScorer(model, signal), model.fitSeconds.signals[signal]);
      }
    }
    results[protocol] = rows;
  }
  const segmentStart = performance.now();
  const segments = fitSegments(model);
  return {
    segments: segments && {
      k: segments.k,
      silhouette: segments.silhouette,
      seconds: Math.round(performance.now() - segmentStart) / 1000,
    },
    cutoff: Number.isFinite(cutoff) ? new Date(cutoff).toISOString() : "none (no rows)",
    k,
    rows: { train: train.length, test: test.length, skipped: data.skipped },
    candidates: set.candidates,
    results,
  };
}
