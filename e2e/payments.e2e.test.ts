import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../apps/web/src/i18n/en.json";
import {
  type ApiTrader,
  callApi,
  ensureWebBuilt,
  launchBrowser,
  type RunningServer,
  registerTraderViaApi,
  SCREENSHOTS,
  startServer,
} from "./support.ts";

type Group = {
  id: string;
  currency: string;
  status: string;
  cap: number | null;
  paidQty: number;
  heldQty: number;
  minPerTrader: number;
  abilities: { join: boolean };
};

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("a trader pays by EcoCash on the fake Paynow", () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let trader: ApiTrader;
  let groups: Group[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    // The app's own fake Paynow and Flutterwave, with Paynow's real test-number delays.
    server = await startServer({ PAYMENT_FAKES: "true" });
    [context, trader] = await Promise.all([
      launchBrowser(),
      registerTraderViaApi(server.baseUrl, "Rudo Banda"),
    ]);
    await context.addCookies([
      {
        name: "cs_refresh",
        value: trader.refreshCookie,
        domain: "127.0.0.1",
        path: "/api/v1/auth",
        httpOnly: true,
        sameSite: "Strict",
      },
    ]);
    page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    page.on("pageerror", (error) => console.error("[page error]", error.message));
    const list = await callApi<{ items: Group[] }>(server.baseUrl, "/groups?status=open&limit=50", {
      token: trader.token,
    });
    groups = list.body.items.filter(
      (g) =>
        g.currency === "USD" &&
        g.abilities.join &&
        (g.cap === null || g.cap - g.paidQty - g.heldQty >= g.minPerTrader + 1),
    );
    expect(groups.length).toBeGreaterThanOrEqual(2);
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  async function joinWith(groupId: string, phone: string) {
    await page.goto(`${server.baseUrl}/groups/${groupId}`);
    await page.getByTestId("method-ecocash").click();
    const field = page.getByTestId("pay-phone");
    await field.fill(phone);
    await page.getByTestId("join-submit").click();
  }

  it("shows the waiting screen, then success when the handset approves (0771111111, 5 s)", async () => {
    const group = groups[0] as Group;
    await page.goto(`${server.baseUrl}/groups/${group.id}`);
    await page.getByTestId("method-cash").click();
    await expect.poll(() => page.getByTestId("cash-rule").isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "pay-methods.png"), fullPage: true });
    await joinWith(group.id, "0771111111");
    const status = page.getByTestId("payment-status");
    await status.waitFor();
    await expect.poll(() => status.getAttribute("data-state")).toBe("approve");
    expect(await page.getByTestId("approve-title").textContent()).toBe(en.payment.approve.title);
    expect(await page.getByTestId("approve-instructions").textContent()).toMatch(/\*151\*/);
    await page.screenshot({ path: join(SCREENSHOTS, "pay-approve.png") });
    await expect
      .poll(() => status.getAttribute("data-state"), { timeout: 30_000, interval: 500 })
      .toBe("paid");
    await page.screenshot({ path: join(SCREENSHOTS, "pay-success.png") });
  });

  it("says the wallet has not enough money (0774444444)", async () => {
    const group = groups[1] as Group;
    await joinWith(group.id, "0774444444");
    const status = page.getByTestId("payment-status");
    await expect
      .poll(() => status.getAttribute("data-state"), { timeout: 15_000 })
      .toBe("insufficient_balance");
    expect(await page.getByTestId("payment-failure").textContent()).toBe(
      en.payment.failure.insufficient_balance,
    );
    await page.screenshot({ path: join(SCREENSHOTS, "pay-insufficient.png") });
  });

  it("after that, pays the same share another way from the share card", async () => {
    await page.getByTestId("other-method").click();
    const share = page.getByTestId("my-share");
    await share.getByTestId("method-ecocash").click();
    await share.getByTestId("pay-phone").fill("0771111111");
    await share.getByTestId("pay-now").click();
    const status = page.getByTestId("payment-status");
    await expect.poll(() => status.getAttribute("data-state")).toBe("approve");
    await page.screenshot({ path: join(SCREENSHOTS, "pay-other-method.png") });
    await expect
      .poll(() => status.getAttribute("data-state"), { timeout: 30_000, interval: 500 })
      .toBe("paid");
  });

  it("lists the three payments in the history and opens the paid one's receipt", async () => {
    await page.goto(`${server.baseUrl}/payments`);
    const items = page.getByTestId("history-item");
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(3);
    const statuses = await items.evaluateAll((rows) => rows.map((r) => r.dataset.status));
    expect(statuses.sort()).toEqual(["failed", "succeeded", "succeeded"]);
    await page.screenshot({ path: join(SCREENSHOTS, "pay-history.png"), fullPage: true });
    await page.getByTestId("history-receipt").first().click();
    await page.getByTestId("receipt-number").waitFor();
    expect(await page.getByTestId("receipt-number").textContent()).toMatch(/^CS-\d{8}-/);
    expect(await page.getByTestId("receipt-amount").textContent()).toMatch(/\$\d/);
    await page.screenshot({ path: join(SCREENSHOTS, "pay-receipt.png"), fullPage: true });
  });
});
