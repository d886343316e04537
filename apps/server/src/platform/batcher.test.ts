import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher.ts";

/** A batcher that records the batches it ran; each item's answer is the item doubled. */
function recording(gatherSameTurn: boolean) {
  const batches: number[][] = [];
  const batcher = createBatcher<number, number>({
    maxInFlight: 1,
    maxBatch: 10,
    gatherSameTurn,
    run: async (items) => {
      batches.push([...items]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((item) => ({ ok: true, value: item * 2 }));
    },
  });
  return { batches, batcher };
}

describe("createBatcher", () => {
  it("starts the first item at once and gathers the ones that wait for it", async () => {
    const { batches, batcher } = recording(false);
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it("with gatherSameTurn, sends the items of one turn in one batch, and later ones in the next", async () => {
    const { batches, batcher } = recording(true);
    const first = Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    await Promise.resolve();
    const later = batcher.submit(4);
    expect(await Promise.all([first, later])).toEqual([[2, 4, 6], 8]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("fails the batch of a run that throws at once, and goes on with the next", async () => {
    let calls = 0;
    const batcher = createBatcher<number, number>({
      maxInFlight: 1,
      maxBatch: 10,
      gatherSameTurn: true,
      run: (items) => {
        calls += 1;
        if (calls === 1) {
          throw new Error("broken before it began");
        }
        return Promise.resolve(items.map((item) => ({ ok: true, value: item })));
      },
    });
    const first = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await batcher.submit(3)).toBe(3);
  });
});
