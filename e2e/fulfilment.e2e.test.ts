import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TMyPickup, TSupplierOrder, TTrialBalance } from "@cs/contracts";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiTrader,
  callApi,
  ensureWebBuilt,
  giveRefreshCookie,
  launchBrowser,
  loginToken,
  qrCamera,
  type RunningServer,
  registerTraderViaApi,
  SCREENSHOTS,
  signInBrowser,
  startServer,
} from "./support.ts";

const DEMO_PASSWORD = "Demo2026!";
/** Farai Chikwanha, owner of Mbare Wholesale Foods. */
const DEMO_SUPPLIER = "0772000001";
/** Kudzai Gumbo, the agent at the Mbare Musika depot. */
const DEMO_AGENT = "0773000001";
/** Nyasha Mutasa, superadmin. */
const DEMO_ADMIN = "0774000001";
/** The server refuses deadlines less than a minute away: the group closes just after one. */
const DEADLINE_MS = 62_000;

type Group = { id: string; code: string; status: string; deadline: string; paidQty: number };
type Joined = { payment: { checkoutUrl: string | null } };

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `fulfilment-${name}.png`), fullPage: true });

/** Until `check` answers something truthy, or fail after `ms`. */
async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

// Runs only through e2e/vitest.config.ts (npm run test:e2e), which sets CS_E2E.
describe.skipIf(!process.env.CS_E2E)("a funded group reaches its traders", () => {
  let server: RunningServer;
  const contexts: BrowserContext[] = [];
  let supplier: Page;
  let agent: Page;
  let agentContext: BrowserContext;
  let traderA: Page;
  let traderB: Page;
  let group: Group;
  let orderId = "";
  let supplierToken = "";
  const traders: Record<"a" | "b" | "c", ApiTrader & { name: string }> = {} as never;
  const pickups: Record<"a" | "b" | "c", TMyPickup> = {} as never;

  const newPage = async (context: BrowserContext, name: string) => {
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error(`[page error ${name}]`, error.message));
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureWebBuilt();
    server = await startServer();
    const base = server.baseUrl;
    const names = { a: "Rudo Marufu", b: "Themba Dube", c: "Precious Zhou" };
    for (const key of ["a", "b", "c"] as const) {
      traders[key] = { ...(await registerTraderViaApi(base, names[key])), name: names[key] };
    }
    supplierToken = await loginToken(base, DEMO_SUPPLIER, DEMO_PASSWORD);
    const agentToken = await loginToken(base, DEMO_AGENT, DEMO_PASSWORD);
    const point = await callApi<{ pickupPoint: { id: string } }>(base, "/pickup/point", {
      token: agentToken,
    });
    const own = await callApi<{ items: { id: string; abilities: { update: boolean } }[] }>(
      base,
      "/suppliers",
      { token: supplierToken },
    );
    const supplierId = own.body.items.find((s) => s.abilities.update)?.id;
    const products = await callApi<{ items: { id: string }[] }>(
      base,
      `/products?supplierId=${supplierId}`,
      { token: supplierToken },
    );
    const created = await callApi<Group>(base, "/groups", {
      method: "POST",
      token: supplierToken,
      body: {
        productId: products.body.items[0]?.id,
        moq: 4,
        cap: 20,
        deadline: new Date(Date.now() + DEADLINE_MS).toISOString(),
        pickupPointIds: [point.body.pickupPoint.id],
        tiers: [
          { minQty: 1, unitPrice: 1000 },
          { minQty: 5, unitPrice: 900 },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    group = created.body;
    // A and B pay by EcoCash; C pays at pickup (the demo rule asks a 10% deposit first).
    for (const [key, quantity, method] of [
      ["a", 2, "ecocash"],
      ["b", 2, "ecocash"],
      ["c", 1, "cash"],
    ] as const) {
      const joined = await callApi<Joined>(base, `/groups/${group.id}/join`, {
        method: "POST",
        token: traders[key].token,
        body: { quantity, method },
      });
      expect(joined.status, JSON.stringify(joined.body)).toBe(201);
      const checkout = joined.body.payment.checkoutUrl;
      if (checkout) {
        const approved = await fetch(checkout, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ decision: "approve", method: "ecocash" }),
          redirect: "manual",
        });
        expect(approved.status).toBe(303);
      }
    }
    await until("all five units paid", async () => {
      const now = await callApi<Group>(base, `/groups/${group.id}`);
      return now.body.paidQty === 5;
    });

    const [supplierContext, agentCtx, contextA, contextB] = await Promise.all([
      launchBrowser(),
      launchBrowser(),
      launchBrowser(),
      launchBrowser(),
    ]);
    agentContext = agentCtx;
    contexts.push(supplierContext, agentContext, contextA, contextB);
    await signInBrowser(base, supplierContext, DEMO_SUPPLIER, DEMO_PASSWORD);
    await signInBrowser(base, agentContext, DEMO_AGENT, DEMO_PASSWORD);
    await giveRefreshCookie(base, contextA, traders.a.refreshCookie);
    await giveRefreshCookie(base, contextB, traders.b.refreshCookie);
    supplier = await newPage(supplierContext, "supplier");
    agent = await newPage(agentContext, "agent");
    traderA = await newPage(contextA, "trader A");
    traderB = await newPage(contextB, "trader B");

    // The deadline passes with the minimum met: funded, and the supplier has an order.
    group = await until(
      "the group funds at its deadline",
      async () => {
        const now = await callApi<Group>(base, `/groups/${group.id}`);
        return now.body.status === "funded" ? now.body : null;
      },
      DEADLINE_MS + 20_000,
    );
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await server?.stop();
  });

  it("the supplier accepts the order, dispatches it and marks it delivered", async () => {
    await supplier.goto(`${server.baseUrl}/manage/orders`);
    const row = supplier.getByTestId("order-row").filter({ hasText: group.code });
    await row.waitFor();
    await shot(supplier, "01-supplier-orders");
    await row.click();
    await supplier.waitForURL(/\/manage\/orders\/[0-9a-f-]{36}$/);
    orderId = supplier.url().split("/").at(-1) ?? "";

    await supplier.getByTestId("order-accept").click();
    await supplier.locator('input[name="deliveryDate"]').waitFor();
    await shot(supplier, "02-supplier-accept");
    await supplier.getByTestId("order-action-confirm").click();
    await supplier.getByTestId("order-dispatch").click();
    await supplier.locator('textarea[name="text"]').fill("Truck AEZ 4471, at the depot by 10:00");
    await supplier.getByTestId("order-action-confirm").click();
    await supplier.getByTestId("order-deliver").click();
    await supplier.getByTestId("order-deliver").waitFor({ state: "detached" });
    const order = await callApi<TSupplierOrder>(server.baseUrl, `/orders/${orderId}`, {
      token: supplierToken,
    });
    expect(order.body).toMatchObject({
      status: "delivered",
      trackingNote: "Truck AEZ 4471, at the depot by 10:00",
      quantity: 5,
      // Five units at the final $9.00, the share paid in cash at pickup included.
      gross: 4500,
      commission: 450,
    });
    expect(order.body.deliveryDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await shot(supplier, "03-supplier-delivered");
  });

  it("the agent checks the delivery in with a photo, and every trader gets a code", async () => {
    await agent.goto(`${server.baseUrl}/pickup/deliveries`);
    const card = agent.getByTestId("delivery-card").filter({ hasText: group.code });
    await card.getByTestId("receive-open").click();
    // The agent's photo of the crates: any real picture will do, here one of the screen itself.
    const photo = await agent.screenshot();
    await card.getByTestId("receive-photo").setInputFiles({
      name: "delivery.png",
      mimeType: "image/png",
      buffer: photo,
    });
    await card.getByTestId("receive-photo-preview").waitFor();
    await shot(agent, "04-agent-receive");
    await card.getByTestId("receive-confirm").click();
    await card.getByTestId("receive-confirm").waitFor({ state: "detached" });
    await shot(agent, "05-agent-received");

    const order = await callApi<TSupplierOrder>(server.baseUrl, `/orders/${orderId}`, {
      token: supplierToken,
    });
    const drop = order.body.drops[0];
    expect(drop).toMatchObject({ status: "received", receivedQty: 5, condition: "good" });
    expect(drop?.photoUrl).toMatch(/^\/api\/v1\/orders\/.+\/photos\/.+$/);
    const image = await fetch(`${server.baseUrl}${drop?.photoUrl}`, {
      headers: { authorization: `Bearer ${supplierToken}` },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toMatch(/^image\/(jpeg|png)$/);
    // The supplier sees the photo on the order.
    await supplier.reload();
    await supplier.getByTestId("drop-photo").waitFor();
    await shot(supplier, "06-supplier-drop-photo");

    for (const key of ["a", "b", "c"] as const) {
      const mine = await callApi<{ items: TMyPickup[] }>(server.baseUrl, "/me/pickups", {
        token: traders[key].token,
      });
      const found = mine.body.items.find((p) => p.group.id === group.id);
      expect(found?.status, key).toBe("live");
      pickups[key] = found as TMyPickup;
    }
  });

  it("trader A shows the QR, the agent scans it with the camera, and A sees it collected live", async () => {
    await traderA.goto(`${server.baseUrl}/my-pickups`);
    const card = traderA.locator(`[data-credential-id="${pickups.a.credentialId}"]`);
    await card.getByTestId("pickup-qr").waitFor();
    await shot(traderA, "07-trader-qr");

    // A second agent device whose camera sees A's QR code.
    const scanner = await launchBrowser(qrCamera(pickups.a.token ?? ""));
    contexts.push(scanner);
    await signInBrowser(server.baseUrl, scanner, DEMO_AGENT, DEMO_PASSWORD);
    const scan = await newPage(scanner, "scanner");
    await scan.goto(`${server.baseUrl}/pickup`);
    await scan.getByTestId("scan-start").click();
    await scan.getByTestId("qr-scanner").waitFor();
    await scan.getByTestId("pickup-found").waitFor({ timeout: 20_000 });
    expect(await scan.getByTestId("found-trader").textContent()).toBe(traders.a.name);
    expect(await scan.getByTestId("found-remaining").textContent()).toBe("2");
    await shot(scan, "08-agent-scanned");
    await scan.getByTestId("handover-confirm").click();
    await scan.getByTestId("handover-done").waitFor();
    await card.and(traderA.locator('[data-status="collected"]')).waitFor({ timeout: 5_000 });
    await shot(traderA, "09-trader-collected");
  });

  it("trader B's short code is taken with no network, even after a reload, and syncs later", async () => {
    await traderB.goto(`${server.baseUrl}/my-pickups`);
    const card = traderB.locator(`[data-credential-id="${pickups.b.credentialId}"]`);
    await card.getByTestId("pickup-code").waitFor();

    await agent.goto(`${server.baseUrl}/pickup`);
    await agent.getByTestId("manifest-download").click();
    await agent.getByTestId("manifest-state").filter({ hasText: /\d/ }).waitFor();
    expect(
      await agent.evaluate(async () => Boolean((await navigator.serviceWorker.ready).active)),
    ).toBe(true);
    await agentContext.setOffline(true);
    // The agent's phone restarts the app with no network: it opens, signed in, with the list.
    await agent.reload();
    await agent.getByTestId("network-state").waitFor();
    await agent.getByTestId("manifest-state").filter({ hasText: /\d/ }).waitFor();
    expect(new URL(agent.url()).pathname).toBe("/pickup");
    await agent.getByTestId("code-input").fill(pickups.b.shortCode ?? "");
    await agent.locator('form button[type="submit"]').click();
    await agent.getByTestId("pickup-found").waitFor();
    expect(await agent.getByTestId("found-trader").textContent()).toBe(traders.b.name);
    await agent.getByTestId("handover-confirm").click();
    await agent.getByTestId("unsynced-badge").waitFor();
    await shot(agent, "10-agent-offline-unsynced");
    expect(await card.getAttribute("data-status")).toBe("live");

    await agentContext.setOffline(false);
    await agent.getByTestId("unsynced-badge").waitFor({ state: "detached", timeout: 15_000 });
    expect(await agent.getByTestId("sync-conflicts").count()).toBe(0);
    await card.and(traderB.locator('[data-status="collected"]')).waitFor({ timeout: 10_000 });
    await shot(traderB, "11-trader-b-collected");
  });

  it("trader C pays the rest in cash at the handover, and the group completes with balanced books", async () => {
    await agent.getByTestId("code-input").fill(pickups.c.shortCode ?? "");
    await agent.locator('form button[type="submit"]').click();
    await agent.getByTestId("pickup-found").waitFor();
    await agent.getByTestId("cash-due").waitFor();
    // 1 unit at the final $9.00 less the 10% deposit paid by EcoCash ($1.00 of $10.00).
    expect(await agent.getByTestId("cash-due").textContent()).toContain("$8.00");
    expect(await agent.getByTestId("handover-confirm").isDisabled()).toBe(true);
    await shot(agent, "12-agent-cash-due");
    await agent.getByTestId("cash-received").check();
    await agent.getByTestId("handover-confirm").click();
    await agent.getByTestId("handover-done").waitFor();

    const completed = await until("the group completes", async () => {
      const now = await callApi<Group>(server.baseUrl, `/groups/${group.id}`);
      return now.body.status === "completed";
    });
    expect(completed).toBe(true);

    // The supplier downloads the invoice of the completed order, which says it is complete.
    await supplier.reload();
    await supplier.locator('[data-testid="order-status"][data-status="completed"]').waitFor();
    const download = supplier.waitForEvent("download");
    await supplier.getByTestId("order-invoice").click();
    const file = join(SCREENSHOTS, "fulfilment-invoice.pdf");
    await (await download).saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    await shot(supplier, "13-supplier-completed");

    const adminToken = await loginToken(server.baseUrl, DEMO_ADMIN, DEMO_PASSWORD);
    const books = await callApi<TTrialBalance>(
      server.baseUrl,
      `/admin/ledger/trial-balance?groupId=${group.id}`,
      { token: adminToken },
    );
    expect(books.status).toBe(200);
    expect(books.body.unbalancedEntries).toBe(0);
    for (const currency of books.body.currencies) {
      expect(currency.net, currency.currency).toBe(0);
    }
    for (const account of books.body.accounts) {
      expect(account.balance, account.account).toBe(0);
    }
  });

  it("the supplier is paid: a new payout account, a payout file the admin exports and confirms", async () => {
    // The owner moves payouts from the EcoCash wallet the demo gave to a bank account.
    await supplier.goto(`${server.baseUrl}/manage/payouts`);
    await supplier.getByTestId("payout-balance-USD").waitFor();
    await supplier.getByTestId("payout-account-edit-USD").click();
    const form = supplier.getByTestId("payout-account-form-USD");
    await form.locator('input[value="bank"]').check({ force: true });
    await form.locator('input[name="bankName"]').fill("CBZ Bank");
    await form.locator('input[name="bankCode"]').fill("cbzbzwhx");
    await form.locator('input[name="accountNumber"]').fill("0123 4567 890");
    await form.locator('input[name="accountName"]').fill("Mbare Wholesale Foods");
    await form.locator('button[type="submit"]').click();
    await supplier
      .getByTestId("payout-account-USD")
      .filter({ hasText: "CBZ Bank · 01234567890" })
      .waitFor();
    await shot(supplier, "14-supplier-payout-account");

    const adminContext = await launchBrowser();
    contexts.push(adminContext);
    await signInBrowser(server.baseUrl, adminContext, DEMO_ADMIN, DEMO_PASSWORD);
    const admin = await newPage(adminContext, "admin");
    await admin.goto(`${server.baseUrl}/manage/payouts`);
    const owed = admin
      .getByTestId("payout-balance-card")
      .filter({ hasText: "Mbare Wholesale Foods" });
    await owed.getByTestId("payout-pay").click();
    await admin.getByTestId("payout-export-USD").waitFor();
    await shot(admin, "15-admin-payout-desk");
    const download = admin.waitForEvent("download");
    await admin.getByTestId("payout-export-USD").click();
    const csvPath = join(SCREENSHOTS, "fulfilment-payouts.csv");
    await (await download).saveAs(csvPath);
    const csv = readFileSync(csvPath, "utf8");
    expect(csv).toContain("Mbare Wholesale Foods");
    expect(csv).toContain(",bank,CBZBZWHX,CBZ Bank,01234567890,");
    const confirm = admin
      .getByTestId("payout-confirm-card")
      .filter({ hasText: "Mbare Wholesale Foods" });
    await confirm.locator('input[name="reference"]').fill("CBZ-TT-556120");
    await confirm.getByTestId("payout-confirm-paid").click();
    await confirm.waitFor({ state: "detached" });
    await shot(admin, "16-admin-payout-confirmed");

    await supplier.reload();
    const paid = supplier.getByTestId("payout-row").filter({ hasText: "CBZ-TT-556120" });
    await paid.waitFor();
    await shot(supplier, "17-supplier-paid");

    const adminToken = await loginToken(server.baseUrl, DEMO_ADMIN, DEMO_PASSWORD);
    const books = await callApi<TTrialBalance>(server.baseUrl, "/admin/ledger/trial-balance", {
      token: adminToken,
    });
    expect(books.body.unbalancedEntries).toBe(0);
    const inTransit = books.body.byKind.find(
      (k) => k.kind === "payouts_in_transit" && k.currency === "USD",
    );
    expect(inTransit?.balance ?? 0).toBe(0);
  });
});
