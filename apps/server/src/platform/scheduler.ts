import type { FastifyBaseLogger } from "fastify";

/** A periodic, idempotent job that works in batches; safe to run on several workers at once. */
export interface JobDefinition {
  name: string;
  everyMs: number;
  /** Handles one batch; returns how many items it handled (a full batch runs again at once). */
  run(): Promise<number>;
}

/** Runs each job on its own timer, one batch at a time per job, until stopped. */
export function startScheduler(
  jobs: JobDefinition[],
  log: FastifyBaseLogger,
): { stop(): Promise<void> } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  for (const job of jobs) {
    const tick = () => {
      const run = (async () => {
        try {
          let handled = await job.run();
          for (let rounds = 0; handled > 0 && !stopped && rounds < 10; rounds++) {
            handled = await job.run();
          }
        } catch (error) {
          log.error({ err: error, job: job.name }, "job failed");
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        if (!stopped) {
          const timer = setTimeout(tick, job.everyMs);
          timers.add(timer);
        }
      });
    };
    tick();
  }
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) {
        clearTimeout(timer);
      }
      await Promise.all(running);
    },
  };
}
