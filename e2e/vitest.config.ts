import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "e2e",
    root: new URL("..", import.meta.url).pathname,
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    globalSetup: ["e2e/global-setup.ts"],
    // The browser journeys only run through this config (`npm run test:e2e`), not `npm test`.
    env: { CS_E2E: "1" },
  },
});
