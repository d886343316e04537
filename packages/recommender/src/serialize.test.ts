import { describe, expect, it } from "vitest";
import { fitHybrid } from "./hybrid.ts";
import { recommend } from "./recommend.ts";
import { deserializeModel, serializeModel } from "./serialize.ts";
import { syntheticMarket } from "./test-market.ts";

describe("serializeModel / deserializeModel", () => {
  const market = syntheticMarket();
  const model = fitHybrid(market);

  it("gives back a model that recommends exactly the same", () => {
    const bytes = serializeModel(model);
    const loaded = deserializeModel(bytes);
    for (const userId of ["trader-0", "trader-11", "someone-new"]) {
      for (const mode of ["repeat", "discovery"] as const) {
        expect(recommend(loaded, { userId, mode })).toEqual(recommend(model, { userId, mode }));
      }
    }
    expect(loaded.profiles.get("trader-1")).toEqual(model.profiles.get("trader-1"));
  });

  it("keeps no raw interactions: the bytes are a few typed arrays and a small skeleton", () => {
    const bytes = serializeModel(model);
    const text = new TextDecoder().decode(bytes);
    expect(text).not.toContain("timestamp");
    expect(bytes.byteLength).toBeLessThan(200_000);
  });

  it("refuses bytes that are not a model, or a truncated one, in one line", () => {
    expect(() => deserializeModel(new Uint8Array(4))).toThrow(/not a recommender model/);
    expect(() => deserializeModel(new TextEncoder().encode("hello, world, this is text"))).toThrow(
      /bad magic/,
    );
    const bytes = serializeModel(model);
    expect(() => deserializeModel(bytes.subarray(0, bytes.byteLength - 100))).toThrow(/truncated/);
  });
});
