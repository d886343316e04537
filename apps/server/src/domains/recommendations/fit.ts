import { Worker } from "node:worker_threads";
import type { Weights } from "@cs/recommender";
import type { SliceMetrics } from "./evaluate.ts";
import type { PlatformData } from "./training-data.ts";

const FIT_WORKER = new URL("./fit-worker.ts", import.meta.url).href;

export interface FitJob {
  data: PlatformData;
  weights: Weights;
  activeWeights: unknown;
}

export interface FitResult {
  mine: SliceMetrics | null;
  theirs: SliceMetrics | null;
  bytes: Uint8Array;
  traders: number;
  products: number;
  fitSeconds: number;
}

/**
 * Runs a training run's evaluation and fit in a worker thread, so the worker process keeps
 * delivering its outbox and sweeps (and an `all` process keeps answering requests) while a model
 * is fitted. `onFitting` is called when the evaluation is done and the fit begins. The thread
 * loads TypeScript the way the process does (tsx), also under the test runner.
 */
export function fitInWorker(job: FitJob, onFitting: () => void): Promise<FitResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(
      `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(FIT_WORKER)}); });`,
      { eval: true, workerData: job },
    );
    let settled = false;
    worker.on("message", (message: { progress?: string; result?: FitResult; error?: string }) => {
      if (message.progress) {
        onFitting();
      } else if (message.result) {
        settled = true;
        resolve(message.result);
      } else if (message.error) {
        settled = true;
        reject(new Error(message.error));
      }
    });
    worker.on("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.on("exit", (code) => {
      if (!settled) {
        reject(new Error(`the training thread stopped (exit code ${code})`));
      }
    });
  });
}
