import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nd from "../apps/web/src/i18n/nd.json";
import sn from "../apps/web/src/i18n/sn.json";
import {
  ensureWebBuilt,
  launchBrowser,
  type RunningServer,
  readSmsCode,
  SCREENSHOTS,
  startServer,
} from "./support.ts";

type Category = { id: string; name: { en: string; sn: string; nd: string } };
type Market = { id: string; name: string; area: string };

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)(
  "a trader registers in Shona and reaches the dashboard",
  () => {
    let server: RunningServer;
    let context: BrowserContext;
    let page: Page;
    const name = "Rudo Moyo";
    let trader: { national: string; name: string } | null = null;

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      ensureWebBuilt();
      server = await startServer();
      context = await launchBrowser();
      page = await context.newPage();
      page.on("pageerror", (error) => console.error("[page error]", error.message));
    });

    afterAll(async () => {
      await context?.close();
      await server?.stop();
    });

    it("shows the landing page in English at 360 px", async () => {
      await page.goto(`${server.baseUrl}/`);
      await page.getByTestId("cta-register").waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      await page.screenshot({ path: join(SCREENSHOTS, "landing-en.png"), fullPage: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);

      // The longest language names must fit too.
      await page.getByTestId("language-switcher").selectOption("nd");
      await page.getByText(nd.landing.heroTitle).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, "landing-nd.png"), fullPage: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    });

    it("registers, verifies the phone, fills onboarding and stays signed in after a reload", async () => {
      const categories = (
        (await (await fetch(`${server.baseUrl}/api/v1/meta/categories`)).json()) as {
          items: Category[];
        }
      ).items;
      const markets = (
        (await (await fetch(`${server.baseUrl}/api/v1/meta/markets`)).json()) as {
          items: Market[];
        }
      ).items;
      const [first, second] = categories;
      const market = markets.find((m) => m.id === "mbare-musika") ?? markets[0];
      if (!first || !second || !market) {
        throw new Error("the server has no categories or markets");
      }

      // Landing, switched to Shona.
      await page.goto(`${server.baseUrl}/`);
      await page.getByTestId("language-switcher").selectOption("sn");
      await page.getByText(sn.landing.heroTitle).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("sn");
      await page.screenshot({ path: join(SCREENSHOTS, "landing-sn.png"), fullPage: true });

      // Register.
      await page.getByTestId("cta-register").click();
      await page.waitForURL("**/register");
      await page.getByRole("heading", { name: sn.auth.registerTitle }).waitFor();
      const national = `77${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      trader = { national, name };
      await page.locator('input[name="name"]').fill(name);
      await page.locator('input[name="phone"]').fill(`0${national}`);
      await page.locator('input[name="password"]').fill("Mbare2026!");
      await page.getByText(sn.auth.passwordOk).waitFor();
      expect(await page.locator('select[name="language"]').inputValue()).toBe("sn");
      await page.screenshot({ path: join(SCREENSHOTS, "register-sn.png"), fullPage: true });
      const registeredAt = Date.now() - 5_000;
      await page.getByTestId("register-submit").click();

      // Verify with the code from the dev SMS outbox.
      await page.waitForURL("**/verify");
      const code = await readSmsCode(server.baseUrl, `+263${national}`, registeredAt);
      await page.locator('input[name="code"]').fill(code);
      await page.screenshot({ path: join(SCREENSHOTS, "verify-sn.png"), fullPage: true });
      await page.getByTestId("verify-submit").click();

      // Onboarding.
      await page.waitForURL("**/onboarding");
      await page.getByTestId(`category-${first.id}`).click();
      await page.getByTestId(`category-${second.id}`).click();
      await page.locator('input[name="budgetMin"]').fill("20");
      await page.locator('input[name="budgetMax"]').fill("150.50");
      await page.locator('select[name="marketId"]').selectOption(market.id);
      await page.getByTestId("group-size-medium").click();
      await page.getByTestId("frequency-weekly").click();
      await page.locator('select[name="businessType"]').selectOption("market_stall");
      await page.locator('input[name="experienceYears"]').fill("4");
      await page.screenshot({ path: join(SCREENSHOTS, "onboarding-sn.png"), fullPage: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);
      await page.getByTestId("profile-submit").click();

      // Dashboard, in Shona, with the trader's real preferences.
      await page.waitForURL("**/dashboard");
      const greeting = sn.dashboard.greeting.replace("{{name}}", name);
      await page.getByTestId("greeting").getByText(greeting).waitFor();
      await expectDashboard(page, { name, market, categories: [first.name.sn, second.name.sn] });
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-sn.png"), fullPage: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);

      // A reload restores the session from the refresh cookie.
      await page.reload();
      await page.getByTestId("greeting").getByText(greeting).waitFor();
      expect(new URL(page.url()).pathname).toBe("/dashboard");
      await expectDashboard(page, { name, market, categories: [first.name.sn, second.name.sn] });
      await page.screenshot({
        path: join(SCREENSHOTS, "dashboard-after-reload.png"),
        fullPage: true,
      });
    });

    it("logs out, explains a wrong password, resets it and logs back in", async () => {
      if (!trader) {
        throw new Error("needs the trader registered by the previous test");
      }
      const phone = `0${trader.national}`;
      const greeting = sn.dashboard.greeting.replace("{{name}}", trader.name);

      await page.getByTestId("logout").click();
      await page.getByTestId("cta-register").waitFor();
      await page.goto(`${server.baseUrl}/dashboard`);
      await page.waitForURL("**/login");

      await page.locator('input[name="phone"]').fill(phone);
      await page.locator('input[name="password"]').fill("Wrong2026x");
      await page.getByTestId("login-submit").click();
      await page.getByRole("alert").getByText(sn.errors.invalid_credentials).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, "login-error-sn.png"), fullPage: true });

      await page.getByText(sn.auth.forgotPassword).click();
      await page.waitForURL("**/reset");
      // The URL changes before the lazily loaded page replaces the login form, whose phone
      // field has the same name: wait for the reset page itself.
      await page.getByRole("heading", { name: sn.auth.resetTitle }).waitFor();
      await page.locator('input[name="phone"]').fill(phone);
      const requestedAt = Date.now() - 1_000;
      await page.getByRole("button", { name: sn.auth.resetRequest }).click();
      await page.locator('input[name="code"]').waitFor();
      const code = await readSmsCode(server.baseUrl, `+263${trader.national}`, requestedAt);
      await page.locator('input[name="code"]').fill(code);
      await page.locator('input[name="password"]').fill("Musika2027x");
      await page.getByRole("button", { name: sn.auth.resetConfirm }).click();
      await page.waitForURL("**/dashboard");
      await page.getByTestId("greeting").getByText(greeting).waitFor();

      await page.getByTestId("logout").click();
      await page.getByTestId("cta-login").click();
      await page.locator('input[name="phone"]').fill(phone);
      await page.locator('input[name="password"]').fill("Musika2027x");
      await page.getByTestId("login-submit").click();
      await page.waitForURL("**/dashboard");
      await page.getByTestId("greeting").getByText(greeting).waitFor();
    });
  },
);

/** The document's scroll width: more than the viewport means something overflows sideways. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

async function expectDashboard(
  page: Page,
  expected: { name: string; market: Market; categories: string[] },
): Promise<void> {
  expect(await page.locator("html").getAttribute("lang")).toBe("sn");
  await page.getByTestId("pref-market").getByText(expected.market.name).waitFor();
  const categories = (await page.getByTestId("pref-categories").textContent()) ?? "";
  for (const category of expected.categories) {
    expect(categories).toContain(category);
  }
  expect(await page.getByTestId("pref-budget").textContent()).toMatch(/\$20\.00.*\$150\.50/);
  expect(await page.getByText(sn.dashboard.preferences, { exact: true }).count()).toBe(1);
  // Pickups are still to come; "My groups" and the recommendations are real now.
  expect(await page.getByText(sn.dashboard.comingSoon).count()).toBe(1);
  await page.getByTestId("recommended-groups").waitFor();
  expect(await page.getByTestId("greeting").textContent()).toContain(expected.name);
}
