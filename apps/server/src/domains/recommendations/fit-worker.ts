import { parentPort, workerData } from "node:worker_threads";
import { fitHybrid, serializeModel, type Weights } from "@cs/recommender";
import { evaluateOnHeldOut } from "./evaluate.ts";
import type { FitJob, FitResult } from "./fit.ts";

/**
 * The CPU-bound half of a training run, in a worker thread: the held-back evaluation of the new
 * weights (and the active model's, for comparison), then the fit on everything. The answer is
 * the serialised model, transferred without a copy.
 */
function run(job: FitJob): FitResult {
  const started = performance.now();
  const [mine, theirs] = evaluateOnHeldOut(job.data, [
    job.weights,
    ...(job.activeWeights ? [job.activeWeights as Partial<Weights>] : []),
  ]);
  parentPort?.postMessage({ progress: "fitting" });
  const model = fitHybrid(job.data, { weights: job.weights });
  return {
    mine: mine ?? null,
    theirs: theirs ?? null,
    bytes: serializeModel(model),
    traders: model.userIds.length,
    products: model.itemIds.length,
    fitSeconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

try {
  const result = run(workerData as FitJob);
  parentPort?.postMessage({ result }, [result.bytes.buffer as ArrayBuffer]);
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
