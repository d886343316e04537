import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../apps/web/src/i18n/en.json";
import sn from "../apps/web/src/i18n/sn.json";
import staffEn from "../apps/web/src/i18n/staff/en.json";
import {
  callApi,
  ensureWebBuilt,
  launchBrowser,
  type RunningServer,
  SCREENSHOTS,
  startServer,
} from "./support.ts";

const DEMO_PASSWORD = "Demo2026!";
/** Farai Chikwanha, owner of Mbare Wholesale Foods (English). */
const DEMO_SUPPLIER_OWNER = "0772000001";
/** Tendai Moyo, trader at Mbare Musika, seeded speaking Shona. */
const DEMO_TRADER = "0771000001";
/** Nyasha Mutasa, superadmin (English). */
const DEMO_ADMIN = "0774000001";

/** A word no seeded product has, so searches and lists find exactly what this run made. */
const TAG = `Run${Date.now().toString(36)}`;
const PRODUCT_NAME = `Rice 25 kg ${TAG}`;
const REQUEST_TEXT = `Mabhegi emupunga e25 kg ${TAG}`;

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("suppliers and admins manage the catalogue", () => {
  let server: RunningServer;
  let supplierContext: BrowserContext;
  let traderContext: BrowserContext;
  let adminContext: BrowserContext;
  let supplier: Page;
  let trader: Page;
  let admin: Page;
  let groupId = "";

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    server = await startServer();
    [supplierContext, traderContext, adminContext] = await Promise.all([
      launchBrowser(),
      launchBrowser(),
      launchBrowser(),
    ]);
    supplier = await supplierContext.newPage();
    trader = await traderContext.newPage();
    admin = await adminContext.newPage();
    for (const [name, page] of [
      ["supplier", supplier],
      ["trader", trader],
      ["admin", admin],
    ] as const) {
      page.on("pageerror", (error) => console.error(`[page error ${name}]`, error.message));
    }
  });

  afterAll(async () => {
    await supplierContext?.close();
    await traderContext?.close();
    await adminContext?.close();
    await server?.stop();
  });

  it("the supplier owner adds a product with a 3-step ladder and opens a group for it", async () => {
    const base = server.baseUrl;

    // Suppliers land on Manage after logging in, not on the trader's dashboard.
    await logIn(supplier, base, DEMO_SUPPLIER_OWNER);
    await supplier.waitForURL("**/manage");
    await supplier.getByTestId("manage-greeting").waitFor();
    expect(await supplier.getByTestId("manage-greeting").textContent()).toBe(
      fill(en.dashboard.greeting, { name: "Farai Chikwanha" }),
    );
    expect(await supplier.getByTestId("manage-link-rate").count()).toBe(0);

    await supplier.getByTestId("manage-link-products").click();
    await supplier.waitForURL("**/manage/products");
    await supplier.getByTestId("product-list").waitFor();
    await supplier.getByTestId("product-add").click();
    await supplier.waitForURL("**/manage/products/new");

    const form = supplier.getByTestId("product-form");
    await form.locator('select[name="categoryId"]').selectOption("rice");
    await form.locator('input[name="name"]').fill(PRODUCT_NAME);
    await form.locator('textarea[name="description"]').fill("Long grain white rice, 25 kg bags.");
    await form.locator('input[name="unit"]').fill("25 kg bag");
    await form.locator('input[name="unitPrice"]').fill("24.50");
    await form.locator('input[name="stock"]').fill("120");
    await form.locator('input[name="tier-1-price"]').fill("24.50");
    await form.getByTestId("tier-add").click();
    await form.locator('input[name="tier-2-qty"]').fill("10");
    await form.locator('input[name="tier-2-price"]').fill("23.00");
    await form.getByTestId("tier-add").click();
    await form.locator('input[name="tier-3-qty"]').fill("30");
    // A price that rises is refused, and the message sits beside that step.
    await form.locator('input[name="tier-3-price"]').fill("23.50");
    await form.getByTestId("product-submit").click();
    const stepError = form.getByTestId("tier-row").nth(2).locator("[data-field-error]");
    await stepError.waitFor();
    expect(await stepError.textContent()).toBe(staffEn.manage.errors.tierPrice);
    await form.locator('input[name="tier-3-price"]').fill("21.75");
    // Editing the ladder clears its errors until the next "Add product".
    await stepError.waitFor({ state: "detached" });
    expect(await form.getByTestId("tier-row").count()).toBe(3);
    await supplier.screenshot({
      path: join(SCREENSHOTS, "manage-product-form.png"),
      fullPage: true,
    });
    expect(await pageWidth(supplier)).toBeLessThanOrEqual(360);
    await form.getByTestId("product-submit").click();

    // Back on the list, the new product with its ladder.
    await supplier.waitForURL("**/manage/products");
    const card = supplier.locator('[data-testid="product-card"]', { hasText: PRODUCT_NAME });
    await card.waitFor();
    const cardText = (await card.textContent()) ?? "";
    for (const price of ["$24.50", "$23.00", "$21.75"]) {
      expect(cardText).toContain(price);
    }
    const productId = (await card.getAttribute("data-product-id")) ?? "";
    const saved = await callApi<{ tiers: unknown[]; unitPrice: number; stock: number }>(
      base,
      `/products/${productId}`,
    );
    expect(saved.body).toMatchObject({
      unitPrice: 2450,
      stock: 120,
      tiers: [
        { minQty: 1, unitPrice: 2450 },
        { minQty: 10, unitPrice: 2300 },
        { minQty: 30, unitPrice: 2175 },
      ],
    });

    // "Open a group for this product": the form starts with the product and its ladder.
    await card.getByTestId("product-open-group").click();
    await supplier.waitForURL(`**/manage/groups/new?product=${productId}`);
    const groupForm = supplier.getByTestId("group-form");
    await groupForm.waitFor();
    expect(await groupForm.locator('select[name="productId"]').inputValue()).toBe(productId);
    expect(await groupForm.getByTestId("tier-row").count()).toBe(3);
    expect(await groupForm.locator('input[name="tier-2-price"]').inputValue()).toBe("23.00");
    expect(await groupForm.locator('input[name="tier-3-qty"]').inputValue()).toBe("30");
    expect(await groupForm.locator('input[name="tier-3-price"]').inputValue()).toBe("21.75");
    await groupForm.locator('input[name="moq"]').fill("20");
    await groupForm.locator('input[name="cap"]').fill("100");
    await groupForm.locator('input[name="maxPerTrader"]').fill("50");
    // The deadline: tomorrow (Harare's calendar), 18:00 Harare time.
    const tomorrow = harareDate(1);
    expect(await groupForm.locator('input[name="deadlineDate"]').inputValue()).toBe(tomorrow);
    await groupForm.locator('input[name="deadlineTime"]').fill("18:00");
    await groupForm.getByRole("button", { name: "Mbare Musika depot" }).click();
    expect(
      await groupForm
        .getByRole("button", { name: "Mbare Musika depot" })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    await supplier.screenshot({ path: join(SCREENSHOTS, "manage-group-form.png"), fullPage: true });
    expect(await pageWidth(supplier)).toBeLessThanOrEqual(360);
    await groupForm.getByTestId("group-open-now").click();

    // The group's public page.
    await supplier.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
    groupId = new URL(supplier.url()).pathname.split("/").at(-1) ?? "";
    expect(await supplier.getByTestId("group-title").textContent()).toBe(PRODUCT_NAME);
    await supplier.getByTestId("group-manage-actions").waitFor();
    const group = await callApi<{
      status: string;
      deadline: string;
      moq: number;
      cap: number;
      maxPerTrader: number;
      pickupPoints: { name: string }[];
    }>(base, `/groups/${groupId}`);
    expect(group.body).toMatchObject({ status: "open", moq: 20, cap: 100, maxPerTrader: 50 });
    // 18:00 in Harare (UTC+2) is 16:00 UTC.
    expect(group.body.deadline).toBe(`${tomorrow}T16:00:00.000Z`);
    expect(group.body.pickupPoints.map((p) => p.name)).toEqual(["Mbare Musika depot"]);

    // It is among the supplier's open groups, and traders find it in the search.
    await supplier.goto(`${base}/manage/groups`);
    await supplier.locator(`[data-testid="managed-group"][data-group-id="${groupId}"]`).waitFor();
    await supplier.goto(`${base}/groups`);
    await supplier.getByTestId("group-search").fill(PRODUCT_NAME);
    await supplier.waitForURL(/[?&]q=/);
    await supplier.locator(`[data-testid="group-card"][data-group-id="${groupId}"]`).waitFor();
  });

  it("a trader asks for a group; the supplier sees the request and declines it", async () => {
    const base = server.baseUrl;

    // Traders keep their own start page.
    await logIn(trader, base, DEMO_TRADER);
    await trader.waitForURL("**/dashboard");

    await trader.goto(`${base}/groups`);
    await trader.getByTestId("ask-open").click();
    const form = trader.getByTestId("request-form");
    await form.locator('select[name="categoryId"]').selectOption("rice");
    // The trader's own market is chosen already.
    await expect
      .poll(() => form.locator('select[name="marketId"]').inputValue())
      .toBe("mbare-musika");
    await form.locator('textarea[name="description"]').fill(REQUEST_TEXT);
    await form.locator('input[name="quantity"]').fill("40");
    await form.getByTestId("request-submit").click();
    await trader.getByTestId("request-sent").waitFor();
    expect(await trader.getByTestId("request-sent").textContent()).toBe(sn.requests.sent);

    await trader.goto(`${base}/my-groups`);
    const mine = trader.locator('[data-testid="my-request"]', { hasText: REQUEST_TEXT });
    await mine.waitFor();
    expect(await mine.getAttribute("data-status")).toBe("open");
    expect(await mine.getByTestId("my-request-status").textContent()).toBe(sn.requests.status.open);

    // The supplier sees it, without who asked, and declines it with a reason.
    await supplier.goto(`${base}/manage/requests`);
    const request = supplier.locator('[data-testid="request-card"]', { hasText: REQUEST_TEXT });
    await request.waitFor();
    const requestText = (await request.textContent()) ?? "";
    expect(requestText).toContain(fill(staffEn.manage.requests.quantity_other, { count: 40 }));
    expect(requestText).toContain("Mbare Musika");
    expect(requestText).not.toContain("Tendai");
    await request.scrollIntoViewIfNeeded();
    await supplier.screenshot({ path: join(SCREENSHOTS, "manage-requests.png"), fullPage: true });
    expect(await pageWidth(supplier)).toBeLessThanOrEqual(360);
    // "Make an offer" leads to the group form for that request, rice products first.
    expect(await request.getByTestId("request-offer").getAttribute("href")).toMatch(
      /^\/manage\/groups\/new\?request=[0-9a-f-]{36}&category=rice$/,
    );
    await request.getByTestId("request-decline").click();
    await request.locator('textarea[name="reason"]').fill("We have no rice until next month.");
    await request.getByTestId("request-decline-confirm").click();
    await request.waitFor({ state: "detached" });
    await supplier.getByText(staffEn.manage.requests.declined).waitFor();

    // The trader sees it declined.
    await trader.reload();
    const declined = trader.locator('[data-testid="my-request"]', { hasText: REQUEST_TEXT });
    await declined.and(trader.locator('[data-status="declined"]')).waitFor();
    expect(await declined.getByTestId("my-request-status").textContent()).toBe(
      sn.requests.status.declined,
    );
  });

  it("an admin sets the ZiG rate and group pages show ZiG prices at the new rate", async () => {
    const base = server.baseUrl;
    await logIn(admin, base, DEMO_ADMIN);
    await admin.waitForURL("**/manage");
    await admin.getByTestId("manage-link-rate").click();
    await admin.waitForURL("**/manage/rate");
    await admin.getByTestId("rate-value").waitFor();
    expect(await admin.getByTestId("rate-value").textContent()).toBe("US$1 = ZiG 26.85");

    await admin.locator('input[name="rate"]').fill("27.10");
    await admin.getByTestId("rate-submit").click();
    await admin.getByText(fill(staffEn.manage.rate.saved, { rate: "27.10" })).waitFor();
    await expect.poll(() => admin.getByTestId("rate-value").textContent()).toBe("US$1 = ZiG 27.10");
    const history = admin.getByTestId("rate-history").locator("li");
    await expect.poll(() => history.count()).toBe(2);
    expect(await history.first().textContent()).toContain("ZiG 27.10");
    expect(await history.first().textContent()).toContain(staffEn.manage.rate.byYou);
    await admin.screenshot({ path: join(SCREENSHOTS, "manage-rate.png"), fullPage: true });
    expect(await pageWidth(admin)).toBeLessThanOrEqual(360);

    // $24.50 at 27.10 ZiG to the dollar is ZiG 663.95.
    const zig = Math.round((2450 * 27_100_000) / 1_000_000) / 100;
    const expected = fill(en.groups.altPrice, {
      price: `ZiG ${new Intl.NumberFormat("en-ZW", { minimumFractionDigits: 2 }).format(zig)}`,
    });
    expect(expected).toBe("About ZiG 663.95");
    await admin.goto(`${base}/groups/${groupId}`);
    await admin.getByTestId("group-price").getByText(expected).waitFor();
  });
});

async function logIn(page: Page, base: string, phone: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.locator('input[name="phone"]').fill(phone);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByTestId("login-submit").click();
}

/** The Harare calendar date `days` from now, as `YYYY-MM-DD` (Harare is UTC+2 all year). */
function harareDate(days: number): string {
  return new Date(Date.now() + 2 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** An i18n text with its `{{placeholders}}` filled in, as i18next renders it. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => String(values[key] ?? ""));
}

/** The document's scroll width: more than the viewport means something overflows sideways. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
