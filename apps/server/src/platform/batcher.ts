/** One item's outcome in a batch: its value, or the error to reject its caller with. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
}

/**
 * Runs items in batches, the way a database does group commit: while fewer than `maxInFlight`
 * batches are running, an item starts at once (alone, when the server is quiet); items that
 * arrive while all slots are busy wait and go together in the next batch. Nothing waits on a
 * timer, so a quiet server adds no latency, and a busy one sends one statement for many callers.
 *
 * `run` answers every item (in order); if it throws, every item of that batch gets the error.
 */
export function createBatcher<I, O>(options: {
  maxInFlight: number;
  maxBatch: number;
  /**
   * Items submitted in the same turn of the event loop go in one batch even when a slot is free:
   * the batch starts once the current code has run (a microtask later, no timer). For callers
   * that submit several items at once, such as a loop over `Promise.all`.
   */
  gatherSameTurn?: boolean;
  run(items: readonly I[]): Promise<Settled<O>[]>;
}): Batcher<I, O> {
  type Waiting = { item: I; resolve(value: O): void; reject(error: unknown): void };
  const queue: Waiting[] = [];
  let inFlight = 0;
  let pumpQueued = false;

  const pump = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      let running: Promise<Settled<O>[]>;
      try {
        running = options.run(batch.map((w) => w.item));
      } catch (error) {
        // A `run` that throws before it returns a promise fails its batch, not the caller.
        running = Promise.reject(error);
      }
      void running
        .then(
          (results) => {
            batch.forEach((waiting, i) => {
              const result = results[i];
              if (!result) {
                waiting.reject(new Error("batch returned no result for an item"));
              } else if (result.ok) {
                waiting.resolve(result.value);
              } else {
                waiting.reject(result.error);
              }
            });
          },
          (error: unknown) => {
            for (const waiting of batch) {
              waiting.reject(error);
            }
          },
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!options.gatherSameTurn) {
          pump();
        } else if (!pumpQueued) {
          pumpQueued = true;
          queueMicrotask(() => {
            pumpQueued = false;
            pump();
          });
        }
      });
    },
  };
}

/**
 * A batch runner that, when a batch fails as a whole (a deadlock, a lost connection), tries its
 * items one by one, so that one bad item can never fail the others. `onRetry` hears of it.
 */
export function retryingAlone<I, O>(
  run: (items: readonly I[]) => Promise<Settled<O>[]>,
  onRetry?: (error: unknown, items: readonly I[]) => void,
): (items: readonly I[]) => Promise<Settled<O>[]> {
  return async (items) => {
    try {
      return await run(items);
    } catch (error) {
      if (items.length === 1) {
        throw error;
      }
      onRetry?.(error, items);
      return Promise.all(
        items.map((item) =>
          run([item]).then(
            ([result]): Settled<O> =>
              result ?? { ok: false, error: new Error("batch returned no result for an item") },
            (failure: unknown): Settled<O> => ({ ok: false, error: failure }),
          ),
        ),
      );
    }
  };
}
