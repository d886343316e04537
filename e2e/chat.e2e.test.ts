import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  signInBrowser,
  startServer,
} from "./support.ts";

const DEMO_PASSWORD = "Demo2026!";
const DEMO_SUPPLIER_OWNER = "0772000001";

/** The texts of the confirmed messages on a page, in the order shown. */
function shownTexts(page: Page): Promise<string[]> {
  return page
    .getByTestId("chat-message")
    .evaluateAll((items) =>
      items
        .map((item) => item.querySelector("p:not([data-testid=chat-hidden])")?.textContent ?? "")
        .filter(Boolean),
    );
}

async function waitForTexts(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => shownTexts(page), { timeout: 20_000, interval: 200 }).toEqual(expected);
}

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("two traders and their supplier chat in the group", () => {
  let server: RunningServer;
  let contexts: BrowserContext[] = [];
  let pageA: Page;
  let pageB: Page;
  let pageS: Page;
  let traderA: ApiTrader;
  let traderB: ApiTrader;
  let groupId: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    server = await startServer();
    const base = server.baseUrl;
    let contextS: BrowserContext;
    let contextA: BrowserContext;
    let contextB: BrowserContext;
    [contextA, contextB, contextS, traderA, traderB] = await Promise.all([
      launchBrowser(),
      launchBrowser(),
      launchBrowser(),
      registerTraderViaApi(base, "Rudo Chari"),
      registerTraderViaApi(base, "Sipho Dube"),
    ]);
    contexts = [contextA, contextB, contextS];
    await giveRefreshCookie(base, contextA, traderA.refreshCookie);
    await giveRefreshCookie(base, contextB, traderB.refreshCookie);
    const token = await signInBrowser(base, contextS, DEMO_SUPPLIER_OWNER, DEMO_PASSWORD);

    // A fresh group of the demo supplier's; both traders join it (a share puts them in the room).
    const suppliers = await callApi<{ items: { id: string; abilities: { update: boolean } }[] }>(
      base,
      "/suppliers",
      { token },
    );
    const own = suppliers.body.items.find((s) => s.abilities.update);
    const products = await callApi<{ items: { id: string }[] }>(
      base,
      `/products?supplierId=${own?.id}`,
      { token },
    );
    const points = await callApi<{ items: { id: string }[] }>(base, "/pickup-points");
    const created = await callApi<{ id: string }>(base, "/groups", {
      method: "POST",
      token,
      body: {
        productId: products.body.items[0]?.id,
        moq: 5,
        cap: 40,
        deadline: new Date(Date.now() + 3_600_000).toISOString(),
        pickupPointIds: [points.body.items[0]?.id],
        tiers: [
          { minQty: 1, unitPrice: 1000 },
          { minQty: 5, unitPrice: 900 },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    groupId = created.body.id;
    for (const trader of [traderA, traderB]) {
      const joined = await callApi(base, `/groups/${groupId}/join`, {
        method: "POST",
        token: trader.token,
        body: { quantity: 1 },
      });
      expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    }
    pageA = await contextA.newPage();
    pageB = await contextB.newPage();
    pageS = await contextS.newPage();
    for (const [name, page] of [
      ["A", pageA],
      ["B", pageB],
      ["S", pageS],
    ] as const) {
      page.on("pageerror", (error) => console.error(`[page error ${name}]`, error.message));
    }
  });

  afterAll(async () => {
    for (const context of contexts) {
      await context.close();
    }
    await server?.stop();
  });

  it("delivers live to all three; B's messages sent offline arrive once, in order, when back", async () => {
    const base = server.baseUrl;
    await Promise.all(
      [pageA, pageB, pageS].map(async (page) => {
        await page.goto(`${base}/groups/${groupId}`);
        await page.getByTestId("chat-input").waitFor({ timeout: 20_000 });
        await page.getByTestId("group-chat").scrollIntoViewIfNeeded();
      }),
    );

    const send = async (page: Page, text: string) => {
      await page.getByTestId("chat-input").fill(text);
      await page.getByTestId("chat-send").click();
    };

    // Live: A writes (with a script tag and a link, shown as text), B and the supplier see it.
    const hello = "Mangwanani! <script>alert(1)</script> see https://example.org/maize";
    await send(pageA, hello);
    await waitForTexts(pageB, [hello]);
    await waitForTexts(pageS, [hello]);
    const link = pageB.getByTestId("chat-message").locator("a");
    expect(await link.getAttribute("href")).toBe("https://example.org/maize");
    expect(await link.getAttribute("rel")).toContain("noopener");
    // B types: A sees who is typing.
    await pageB.getByTestId("chat-input").fill("Ndi");
    await expect
      .poll(() => pageA.getByTestId("chat-typing").textContent(), { timeout: 10_000 })
      .toContain("Sipho Dube");
    await pageB.getByTestId("chat-input").fill("");
    await send(pageS, "Delivery is on Friday morning");
    await waitForTexts(pageA, [hello, "Delivery is on Friday morning"]);

    // B loses the network and writes twice: both wait on the phone as "sending".
    await pageB.context().setOffline(true);
    await send(pageB, "I am on the bus, no network");
    await send(pageB, "Please keep my crate");
    await expect.poll(() => pageB.getByTestId("chat-pending").count()).toBe(2);
    expect(await pageB.getByTestId("chat-pending").first().getAttribute("data-status")).toBe(
      "sending",
    );
    // Meanwhile A writes; B is away.
    await send(pageA, "Who else is collecting at Mbare?");
    await waitForTexts(pageS, [
      hello,
      "Delivery is on Friday morning",
      "Who else is collecting at Mbare?",
    ]);
    await pageB.screenshot({ path: join(SCREENSHOTS, "chat-b-offline.png"), fullPage: false });

    // Back online: B's queue goes in order, and B catches up on what A wrote.
    await pageB.context().setOffline(false);
    const all = [
      hello,
      "Delivery is on Friday morning",
      "Who else is collecting at Mbare?",
      "I am on the bus, no network",
      "Please keep my crate",
    ];
    for (const page of [pageA, pageB, pageS]) {
      await waitForTexts(page, all);
    }
    expect(await pageB.getByTestId("chat-pending").count()).toBe(0);

    // The server holds each once, numbered in that order.
    const stored = await callApi<{ items: { seq: number; body: string }[] }>(
      base,
      `/groups/${groupId}/chat`,
      { token: traderA.token },
    );
    expect(stored.body.items.map((m) => m.body)).toEqual(all);
    expect(stored.body.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);

    // A moderator hides A's first message: the others see that it was hidden, live, in place.
    const moderator = await loginToken(base, "0774000002", DEMO_PASSWORD);
    const first = await callApi<{ items: { id: string }[] }>(base, `/groups/${groupId}/chat`, {
      token: moderator,
    });
    const hidden = await callApi(
      base,
      `/groups/${groupId}/chat/messages/${first.body.items[0]?.id}/hide`,
      { method: "POST", token: moderator },
    );
    expect(hidden.status).toBe(200);
    await expect.poll(() => pageB.getByTestId("chat-hidden").count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => pageS.getByTestId("chat-hidden").count(), { timeout: 10_000 }).toBe(1);
    await waitForTexts(
      pageB,
      all.slice(1).map((text) => text),
    );

    for (const [name, page] of [
      ["a", pageA],
      ["b", pageB],
      ["supplier", pageS],
    ] as const) {
      await page.screenshot({ path: join(SCREENSHOTS, `chat-${name}.png`), fullPage: false });
    }
  });
});
