import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../apps/web/src/i18n/en.json";
import sn from "../apps/web/src/i18n/sn.json";
import {
  type ApiTrader,
  callApi,
  ensureWebBuilt,
  giveRefreshCookie,
  launchBrowser,
  loginToken,
  type RunningServer,
  registerTraderViaApi,
  SCREENSHOTS,
  startServer,
} from "./support.ts";

type Product = { id: string; name: string };
type Group = { id: string; code: string; deadline: string };

const DEMO_PASSWORD = "Demo2026!";
/** Tendai Moyo, seeded speaking Shona: trader A's screens are in Shona, B's (new) in English. */
const DEMO_TRADER = "0771000001";
const DEMO_SUPPLIER_OWNER = "0772000001";
// The server refuses deadlines less than a minute away, so each group gets just over a minute,
// and the second group's deadline is staggered so its wait overlaps the first journey.
const FIRST_DEADLINE_MS = 63_000;
const SECOND_DEADLINE_MS = 80_000;

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("traders buy together in a group", () => {
  let server: RunningServer;
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let pageA: Page;
  let pageB: Page;
  let traderB: ApiTrader;
  let product: Product;
  let first: Group;
  let second: Group;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    server = await startServer();
    [contextA, contextB, traderB] = await Promise.all([
      launchBrowser(),
      launchBrowser(),
      registerTraderViaApi(server.baseUrl, "Chipo Ndlovu"),
    ]);
    // Trader B arrives already signed in: the refresh cookie the API gave them, in their browser.
    await giveRefreshCookie(server.baseUrl, contextB, traderB.refreshCookie);
    pageA = await contextA.newPage();
    pageB = await contextB.newPage();
    for (const [name, page] of [
      ["A", pageA],
      ["B", pageB],
    ] as const) {
      page.on("pageerror", (error) => console.error(`[page error ${name}]`, error.message));
    }

    // Two fresh groups from the demo supplier's own products: one that will fill, one that won't.
    const token = await loginToken(server.baseUrl, DEMO_SUPPLIER_OWNER, DEMO_PASSWORD);
    const suppliers = await callApi<{ items: { id: string; abilities: { update: boolean } }[] }>(
      server.baseUrl,
      "/suppliers",
      { token },
    );
    const own = suppliers.body.items.find((s) => s.abilities.update);
    if (!own) {
      throw new Error("the demo supplier owner manages no supplier");
    }
    const products = await callApi<{ items: Product[] }>(
      server.baseUrl,
      `/products?supplierId=${own.id}`,
      { token },
    );
    const points = await callApi<{ items: { id: string }[] }>(server.baseUrl, "/pickup-points");
    const [one, two] = products.body.items;
    const point = points.body.items[0];
    if (!one || !two || !point) {
      throw new Error("the demo data has no products or pickup points");
    }
    product = one;
    const create = async (productId: string, inMs: number) => {
      const res = await callApi<Group>(server.baseUrl, "/groups", {
        method: "POST",
        token,
        body: {
          productId,
          moq: 5,
          cap: 40,
          deadline: new Date(Date.now() + inMs).toISOString(),
          pickupPointIds: [point.id],
          tiers: [
            { minQty: 1, unitPrice: 1000 },
            { minQty: 5, unitPrice: 900 },
          ],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    [first, second] = await Promise.all([
      create(one.id, FIRST_DEADLINE_MS),
      create(two.id, SECOND_DEADLINE_MS),
    ]);
  });

  afterAll(async () => {
    await contextA?.close();
    await contextB?.close();
    await server?.stop();
  });

  it("A finds the group and pays, B sees it fill live without reloading, then it is funded", async () => {
    const base = server.baseUrl;

    // A logs in and is sent on to the groups.
    await pageA.goto(`${base}/login?next=/groups`);
    await pageA.locator('input[name="phone"]').fill(DEMO_TRADER);
    await pageA.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await pageA.getByTestId("login-submit").click();
    await pageA.waitForURL("**/groups");

    // Search (debounced) by the product's name: only groups of that product remain, ours
    // (ending soonest) first.
    await pageA.getByTestId("group-search").fill(product.name);
    await pageA.waitForURL(/[?&]q=/);
    const card = pageA.locator(`[data-testid="group-card"][data-group-id="${first.id}"]`);
    await card.waitFor();
    const titles = pageA.locator('[data-testid="group-card"] h2');
    await expect
      .poll(async () => [...new Set(await titles.allTextContents())], { timeout: 10_000 })
      .toEqual([product.name]);
    expect(await pageA.getByTestId("group-card").first().getAttribute("data-group-id")).toBe(
      first.id,
    );
    const cardText = (await card.textContent()) ?? "";
    expect(cardText).toContain(fill(sn.groups.unitsOf, { paid: 0, moq: 5 }));
    expect(cardText).toContain("$10.00");
    expect(cardText).toContain(fill(sn.groups.nextTier_other, { count: 5, price: "$9.00" }));
    expect(cardText).toMatch(/Kwasara maminitsi \d+ masekondi \d+/);
    await pageA.screenshot({ path: join(SCREENSHOTS, "groups-browse.png"), fullPage: true });
    expect(await pageWidth(pageA)).toBeLessThanOrEqual(360);

    await card.click();
    await pageA.waitForURL(`**/groups/${first.id}`);
    await pageA.getByTestId("join-form").waitFor();
    await pageA.getByTestId("live").waitFor();

    // B opens the same group and watches; a marker on the window tells a reload apart.
    await pageB.goto(`${base}/groups/${first.id}`);
    await pageB.getByTestId("live").waitFor();
    await progressText(pageB, fill(en.groups.unitsOf, { paid: 0, moq: 5 })).waitFor();
    await pageB.evaluate(() => Object.assign(window, { e2eSameDocument: true }));

    // A chooses 5 units and EcoCash; the total is honest about the price now.
    for (let i = 0; i < 4; i += 1) {
      await pageA.getByTestId("quantity-more").click();
    }
    await pageA.getByTestId("method-ecocash").click();
    expect(await pageA.getByTestId("join-total").textContent()).toBe("$50.00");
    await pageA.getByText(sn.groups.join.priceNote).waitFor();
    await pageA.screenshot({ path: join(SCREENSHOTS, "group-detail.png"), fullPage: true });
    expect(await pageWidth(pageA)).toBeLessThanOrEqual(360);
    await pageA.getByTestId("join-submit").click();

    // The provider's hosted checkout: pick EcoCash, approve.
    await pageA.waitForURL("**/sandbox/checkout/**");
    await pageA.locator('input[name="method"][value="ecocash"]').check();
    await pageA.screenshot({ path: join(SCREENSHOTS, "sandbox-checkout.png"), fullPage: true });
    const approvedAt = Date.now();
    await pageA.getByTestId("sandbox-approve").click();

    // B's bar moves by itself, within 2 s, in the same document.
    await progressText(pageB, fill(en.groups.unitsOf, { paid: 5, moq: 5 })).waitFor({
      timeout: 2_000,
    });
    expect(Date.now() - approvedAt).toBeLessThanOrEqual(2_000);
    expect(await pageB.evaluate(() => "e2eSameDocument" in window)).toBe(true);
    expect(await pageB.getByTestId("progress-traders").textContent()).toBe(
      fill(en.groups.traders_one, { count: 1 }),
    );
    expect(await pageB.getByTestId("price-now").textContent()).toBe("$9.00");
    // The bar glides to full (a short CSS transition): screenshot it once it is there.
    await expect
      .poll(() =>
        pageB.getByTestId("progress-bar").evaluate((bar) => {
          const fill = bar.firstElementChild?.getBoundingClientRect().width ?? 0;
          return fill / bar.getBoundingClientRect().width;
        }),
      )
      .toBeGreaterThan(0.99);
    await pageB.screenshot({
      path: join(SCREENSHOTS, "group-live-second-browser.png"),
      fullPage: true,
    });

    // A is back from the provider and sees the payment confirmed.
    await pageA.waitForURL(new RegExp(`/groups/${first.id}\\?payment=`));
    await pageA
      .locator('[data-testid="payment-status"][data-state="paid"]')
      .waitFor({ timeout: 30_000 });
    await pageA.locator('[data-testid="my-share"][data-status="paid"]').waitFor();
    await pageA.screenshot({ path: join(SCREENSHOTS, "payment-return.png"), fullPage: true });
    await pageA.getByRole("button", { name: sn.payment.dismiss }).click();
    await pageA.getByTestId("payment-status").waitFor({ state: "detached" });

    // The deadline passes with the minimum met: both pages turn funded, pushed live.
    const untilDeadline = Date.parse(first.deadline) - Date.now();
    const funded = '[data-testid="status-banner"][data-status="funded"]';
    await pageB.locator(funded).waitFor({ timeout: untilDeadline + 10_000 });
    await pageA.locator(funded).waitFor({ timeout: 5_000 });
    expect(await pageA.locator(funded).textContent()).toContain(sn.groups.banner.funded);
    await pageA.getByTestId("join-form").waitFor({ state: "detached" });
    await pageA.screenshot({ path: join(SCREENSHOTS, "group-funded.png"), fullPage: true });
  });

  it("a group that misses its minimum expires, and the page says so", async () => {
    // A joins the second group with 2 units, reaches the checkout, and backs out without paying.
    await pageA.goto(`${server.baseUrl}/groups/${second.id}`);
    await pageA.getByTestId("join-form").waitFor();
    await pageA.getByTestId("quantity-more").click();
    await pageA.getByTestId("method-onemoney").click();
    await pageA.getByTestId("join-submit").click();
    await pageA.waitForURL("**/sandbox/checkout/**");
    await pageA.goBack();
    await pageA.waitForURL(`**/groups/${second.id}`);
    await pageA.locator('[data-testid="my-share"][data-status="reserved"]').waitFor();
    expect(await pageA.getByTestId("share-status").textContent()).toContain(
      sn.groups.shareStatus.reserved,
    );

    // Nobody paid: at the deadline the group expires (then, its refunds done, `refunded`).
    const untilDeadline = Date.parse(second.deadline) - Date.now();
    const banner = pageA.locator(
      '[data-testid="status-banner"][data-status="expired"], [data-testid="status-banner"][data-status="refunded"]',
    );
    await banner.waitFor({ timeout: untilDeadline + 10_000 });
    const text = (await banner.textContent()) ?? "";
    expect(
      [sn.groups.banner.expired, sn.groups.banner.expiredDone].some((t) =>
        text.includes(fill(t, { moq: 5 })),
      ),
    ).toBe(true);
    // The unpaid reservation lapsed; the page still shows it, in plain words.
    await pageA.locator('[data-testid="share-card"][data-status="lapsed"]').waitFor();
    await pageA.screenshot({ path: join(SCREENSHOTS, "group-expired.png"), fullPage: true });
    expect(await pageWidth(pageA)).toBeLessThanOrEqual(360);
  });
});

/** An i18n text with its `{{placeholders}}` filled in, as i18next renders it. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => String(values[key] ?? ""));
}

function progressText(page: Page, text: string) {
  return page.locator('[data-testid="progress-text"]', { hasText: text });
}

/** The document's scroll width: more than the viewport means something overflows sideways. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
