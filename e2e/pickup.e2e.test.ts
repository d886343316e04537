import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callApi,
  ensureWebBuilt,
  launchBrowser,
  type RunningServer,
  SCREENSHOTS,
  signInBrowser,
  startServer,
} from "./support.ts";

const DEMO_PASSWORD = "Demo2026!";
/** Tendai Moyo: the seed gives them a share of 2 to collect at the demo agent's point. */
const DEMO_TRADER = "0771000001";
/** Kudzai Gumbo, the demo pickup agent. */
const DEMO_AGENT = "0773000001";

type MyPickup = {
  credentialId: string;
  pickupPoint: { id: string };
  status: string;
  remainingQty: number;
  shortCode: string | null;
};

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("a pickup agent hands over goods", () => {
  let server: RunningServer;
  let agentContext: BrowserContext;
  let traderContext: BrowserContext;
  let agent: Page;
  let trader: Page;
  let pickup: MyPickup;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    server = await startServer();
    [agentContext, traderContext] = await Promise.all([launchBrowser(), launchBrowser()]);
    const [agentToken, traderToken] = await Promise.all([
      signInBrowser(server.baseUrl, agentContext, DEMO_AGENT, DEMO_PASSWORD),
      signInBrowser(server.baseUrl, traderContext, DEMO_TRADER, DEMO_PASSWORD),
    ]);
    const point = await callApi<{ pickupPoint: { id: string } }>(server.baseUrl, "/pickup/point", {
      token: agentToken,
    });
    const mine = await callApi<{ items: MyPickup[] }>(server.baseUrl, "/me/pickups", {
      token: traderToken,
    });
    const candidates = mine.body.items
      .filter((p) => p.status === "live" && p.pickupPoint.id === point.body.pickupPoint.id)
      .sort((a, b) => b.remainingQty - a.remainingQty);
    if (!candidates[0]) {
      throw new Error(
        `the demo trader has nothing live at the agent's point: ${JSON.stringify(mine.body)}`,
      );
    }
    pickup = candidates[0];
    agent = await agentContext.newPage();
    trader = await traderContext.newPage();
    agent.on("pageerror", (error) => console.error("[agent page error]", error.message));
    trader.on("pageerror", (error) => console.error("[trader page error]", error.message));
  });

  afterAll(async () => {
    await Promise.all([agentContext?.close(), traderContext?.close()]);
    await server?.stop();
  });

  const card = () => trader.locator(`[data-credential-id="${pickup.credentialId}"]`);

  it("shows the trader's QR code and short code", async () => {
    await trader.goto(`${server.baseUrl}/my-pickups`);
    await card().locator('[data-testid="pickup-qr"]').waitFor();
    const shown = (
      (await card().locator('[data-testid="pickup-code"]').textContent()) ?? ""
    ).replace(/\s/g, "");
    expect(shown).toBe(pickup.shortCode);
    await trader.screenshot({ path: join(SCREENSHOTS, "pickup-01-trader-qr.png"), fullPage: true });
  });

  it("lets the agent type the code, see who and what, and hand over part of it", async () => {
    await agent.goto(`${server.baseUrl}/pickup`);
    await agent.locator('[data-testid="pickup-point-name"]').waitFor();
    await agent.locator('[data-testid="manifest-download"]').click();
    await agent.locator('[data-testid="manifest-state"]').filter({ hasText: /\d/ }).waitFor();
    await agent.locator('[data-testid="code-input"]').fill(pickup.shortCode ?? "");
    await agent.locator('form button[type="submit"]').click();
    await agent.locator('[data-testid="pickup-found"]').waitFor();
    expect(await agent.locator('[data-testid="found-remaining"]').textContent()).toBe(
      String(pickup.remainingQty),
    );
    await agent.screenshot({
      path: join(SCREENSHOTS, "pickup-02-agent-found.png"),
      fullPage: true,
    });
    // Keep one unit back for the offline leg when there are two or more.
    if (pickup.remainingQty > 1) {
      // The stepper's "−": hand over one less than everything.
      await agent.locator('[data-testid="pickup-found"] button[aria-label]').first().click();
    }
    await agent.locator('[data-testid="handover-confirm"]').click();
    await agent.locator('[data-testid="handover-done"]').waitFor();
    await agent.screenshot({ path: join(SCREENSHOTS, "pickup-03-agent-done.png"), fullPage: true });
  });

  it("records the rest offline from the manifest, syncs when back online, and the trader sees collected", async () => {
    if (pickup.remainingQty > 1) {
      // A fresh list after the online handover, then the network goes.
      await agent.locator('[data-testid="manifest-download"]').click();
      await agent.waitForTimeout(500);
      await agentContext.setOffline(true);
      await agent.locator('[data-testid="network-state"]').filter({ hasText: /./ }).waitFor();
      await agent.locator('[data-testid="code-input"]').fill(pickup.shortCode ?? "");
      await agent.locator('form button[type="submit"]').click();
      await agent.locator('[data-testid="pickup-found"]').waitFor();
      expect(await agent.locator('[data-testid="found-remaining"]').textContent()).toBe("1");
      await agent.locator('[data-testid="handover-confirm"]').click();
      await agent.locator('[data-testid="unsynced-badge"]').waitFor();
      await agent.screenshot({
        path: join(SCREENSHOTS, "pickup-04-agent-offline-unsynced.png"),
        fullPage: true,
      });
      await agentContext.setOffline(false);
      await agent.locator('[data-testid="unsynced-badge"]').waitFor({ state: "detached" });
      expect(await agent.locator('[data-testid="sync-conflicts"]').count()).toBe(0);
      await agent.screenshot({
        path: join(SCREENSHOTS, "pickup-05-agent-synced.png"),
        fullPage: true,
      });
    }
    await card().and(trader.locator('[data-status="collected"]')).waitFor({ timeout: 15_000 });
    await trader.screenshot({
      path: join(SCREENSHOTS, "pickup-06-trader-collected.png"),
      fullPage: true,
    });
  });
});
