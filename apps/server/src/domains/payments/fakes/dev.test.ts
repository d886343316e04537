import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../platform/config.ts";
import { startDevFakes, withDevFakes } from "./dev.ts";

describe("the fakes a developer runs by hand", () => {
  it("print an environment the app accepts, and PAYMENT_FAKES routes every method to them", async () => {
    const fakes = await startDevFakes({ timeScale: 0.01 });
    try {
      const config = loadConfig({
        DATA_DIR: mkdtempSync(path.join(tmpdir(), "cs-fakes-")),
        ...fakes.env,
      });
      expect(config.payments.routes).toEqual({
        ecocash: "paynow",
        onemoney: "paynow",
        card: "flutterwave",
        default: "paynow",
      });
      expect(config.payments.paynow?.baseUrl).toBe(fakes.paynow.url);
    } finally {
      await fakes.close();
    }
    const inProcess = await withDevFakes(
      loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "cs-fakes-")), PAYMENT_FAKES: "true" })
        .payments,
    );
    try {
      expect(inProcess.config.routes.card).toBe("flutterwave");
      expect(inProcess.config.flutterwave?.baseUrl).toBe(inProcess.urls.flutterwave);
    } finally {
      await inProcess.close();
    }
  });
});
