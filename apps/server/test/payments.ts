import type { TJoinGroupResponse } from "@cs/contracts";
import { journalEntries, participations, payments } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, expect } from "vitest";
import {
  type FlutterwaveFake,
  startFlutterwaveFake,
} from "../src/domains/payments/fakes/flutterwave-fake.ts";
import { type PaynowFake, startPaynowFake } from "../src/domains/payments/fakes/paynow-fake.ts";
import { buildTrader } from "./factories.ts";
import { buildGroup, join } from "./groups.ts";
import { createTestApp, type TestApp } from "./harness.ts";

/** Waits until `check` returns a value (not undefined/false), polling; fails after `ms`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null>,
  ms = 5_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null) {
      return value;
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function paymentRow(t: TestApp, id: string) {
  const [row] = await t.ctx.db.select().from(payments).where(eq(payments.id, id));
  if (!row) {
    throw new Error(`no payment ${id}`);
  }
  return row;
}

export async function shareRow(t: TestApp, id: string) {
  const [row] = await t.ctx.db.select().from(participations).where(eq(participations.id, id));
  if (!row) {
    throw new Error(`no participation ${id}`);
  }
  return row;
}

/** Waits for a payment to reach one of these statuses (a callback or a poll applied). */
export function waitForPayment(t: TestApp, id: string, statuses: string[], ms = 5_000) {
  return waitFor(
    async () => {
      const row = await paymentRow(t, id);
      return statuses.includes(row.status) ? row : undefined;
    },
    ms,
    `payment ${id} to be ${statuses.join("/")}`,
  );
}

/** How many times a payment was captured in the ledger (must never exceed one). */
export async function captureCount(t: TestApp, paymentId: string): Promise<number> {
  const rows = await t.ctx.db
    .select()
    .from(journalEntries)
    .where(
      and(eq(journalEntries.kind, "payment_captured"), eq(journalEntries.referenceId, paymentId)),
    );
  return rows.length;
}

/** As if a minute (or `minutes`) passed since the payment was last touched, and since it began. */
export async function agePayment(t: TestApp, id: string, minutes = 2): Promise<void> {
  await t.ctx.db
    .update(payments)
    .set({
      updatedAt: sql`now() - make_interval(mins => ${minutes})`,
      createdAt: sql`now() - make_interval(mins => ${minutes})`,
    })
    .where(eq(payments.id, id));
}

/** A fresh trader joins a fresh group with these extra fields; the 201 answer. */
export async function joinNew(
  t: TestApp,
  extra: Record<string, unknown> = {},
  quantity = 2,
): Promise<TJoinGroupResponse & { groupId: string; trader: { authorization: string } }> {
  const group = await buildGroup(t);
  const trader = await buildTrader(t);
  const response = await join(t, trader.authorization, group.id, quantity, extra);
  expect(response.statusCode, response.body).toBe(201);
  return {
    ...response.json<TJoinGroupResponse>(),
    groupId: group.id,
    trader: trader.authorization,
  };
}

interface ResettableFake {
  close(): Promise<void>;
  setFault(fault: { mode: "none" }): void;
  setCallbacks(mode: "normal"): void;
}

/** Closes the app and the fake after the file, and clears faults and callback modes after each test. */
export function closeAfterTests(get: () => { t: TestApp; fake: ResettableFake }): void {
  afterAll(async () => {
    const { t, fake } = get();
    await t.close();
    await fake.close();
  });
  afterEach(() => {
    const { fake } = get();
    fake.setFault({ mode: "none" });
    fake.setCallbacks("normal");
  });
}

export const FAKE_PAYNOW = { id: "31001", key: "7c0a4b1e-1111-4222-8333-444455556666" };
export const FAKE_FLUTTERWAVE = { secretKey: "FLWSECK_TEST-local", webhookHash: "local-hash" };

/**
 * The app listening on loopback with both fake providers, Paynow for EcoCash/OneMoney and
 * Flutterwave for cards unless `routes` says otherwise, and short timeouts.
 */
export async function createProviderTestApp(
  options: { routes?: string; env?: Record<string, string> } = {},
): Promise<{
  t: TestApp;
  paynow: PaynowFake;
  flutterwave: FlutterwaveFake;
  close(): Promise<void>;
}> {
  const paynow = await startPaynowFake({ integrations: [FAKE_PAYNOW], timeScale: 0.01 });
  const flutterwave = await startFlutterwaveFake({ ...FAKE_FLUTTERWAVE, timeScale: 0.01 });
  const t = await createTestApp(
    {
      PAYMENT_ROUTES: options.routes ?? "ecocash:paynow,onemoney:paynow,card:flutterwave",
      PAYNOW_BASE_URL: paynow.url,
      PAYNOW_AUTH_EMAIL: "merchant@example.com",
      PAYNOW_INTEGRATION_ID_USD: FAKE_PAYNOW.id,
      PAYNOW_INTEGRATION_KEY_USD: FAKE_PAYNOW.key,
      FLUTTERWAVE_BASE_URL: flutterwave.url,
      FLUTTERWAVE_SECRET_KEY: FAKE_FLUTTERWAVE.secretKey,
      FLUTTERWAVE_WEBHOOK_HASH: FAKE_FLUTTERWAVE.webhookHash,
      PROVIDER_TIMEOUT_MS: "300",
      PROVIDER_RETRIES: "1",
      PROVIDER_BACKOFF_MS: "10",
      ...options.env,
    },
    { listen: true },
  );
  flutterwave.setWebhookUrl(`${t.ctx.urls.internal}/api/v1/payments/webhooks/flutterwave`);
  return {
    t,
    paynow,
    flutterwave,
    async close() {
      await t.close();
      await paynow.close();
      await flutterwave.close();
    },
  };
}
