import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { TPaymentMethod } from "@cs/contracts";
import { type Database, type DbOrTx, queryRows, sandboxRefunds, sandboxTransactions } from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "../../../platform/errors.ts";
import { enqueue } from "../../../platform/outbox.ts";
import { UpstreamUnavailableError } from "./errors.ts";
import type {
  CheckoutPage,
  CheckoutRequest,
  PaymentProvider,
  ProviderTransaction,
  VerifiedWebhook,
} from "./types.ts";

export const SANDBOX_SIGNATURE_HEADER = "x-sandbox-signature";
const SIGNATURE_TOLERANCE_SECONDS = 300;
const CHECKOUT_TTL_MINUTES = 30;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as the sandbox signs its webhooks. */
export function signSandboxPayload(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

type SandboxRow = typeof sandboxTransactions.$inferSelect;

const STATUS: Record<SandboxRow["status"], ProviderTransaction["status"]> = {
  created: "pending",
  paid: "paid",
  declined: "declined",
  expired: "expired",
};

/** What the sandbox's books say of one transaction, as `verify` answers it. */
function answer(row: SandboxRow | undefined): ProviderTransaction {
  if (!row) {
    throw new AppError("unknown_reference", "No such sandbox transaction");
  }
  return {
    providerRef: row.id,
    merchantReference: row.merchantReference,
    status: STATUS[row.status],
    amount: row.amount,
    currency: row.currency,
    method: row.method,
  };
}

/**
 * The embedded payment provider: a complete local implementation of a hosted-checkout provider.
 * It keeps its own books (sandbox_* tables), serves a checkout page where the trader picks
 * EcoCash, OneMoney or card and approves or declines, and sends signed webhooks over HTTP.
 * Nothing leaves the machine. `simulateOutage` lets testers make its API fail, as real ones do.
 */
export function createSandboxProvider(deps: { db: Database; secret: string }) {
  let failingCalls = 0;
  const maybeFail = () => {
    if (failingCalls > 0) {
      failingCalls -= 1;
      throw new UpstreamUnavailableError("sandbox", "unavailable (simulated outage)");
    }
  };

  const provider: PaymentProvider & {
    initCheckouts(inputs: readonly CheckoutRequest[]): Promise<CheckoutPage[]>;
    decide(
      id: string,
      decision: { approve: boolean; method: TPaymentMethod },
    ): Promise<SandboxRow | null>;
    find(id: string): Promise<SandboxRow | undefined>;
    simulateOutage(calls: number): void;
  } = {
    name: "sandbox",

    async initCheckout(input) {
      const [page] = await provider.initCheckouts([input]);
      if (!page) {
        throw new Error("sandbox checkout not created");
      }
      return page;
    },

    async initCheckouts(inputs) {
      maybeFail();
      // One JSON parameter for the batch: a multi-row insert built value by value cost more
      // CPU than the database spent on it.
      const created = await queryRows<{
        id: string;
        merchant_reference: string;
        return_url: string;
      }>(
        deps.db,
        sql`
        insert into sandbox_transactions (id, merchant_reference, amount, currency, description,
          method, status, return_url, webhook_url)
        select v.id, v.merchant_reference, v.amount, v.currency, v.description, v.method,
          'created', v.return_url, v.webhook_url
        from jsonb_to_recordset(${JSON.stringify(
          inputs.map((input) => ({
            id: `sbx_${randomBytes(12).toString("hex")}`,
            merchant_reference: input.merchantReference,
            amount: input.amount,
            currency: input.currency,
            description: input.description,
            method: input.method ?? null,
            return_url: input.returnUrl,
            webhook_url: input.webhookUrl,
          })),
        )}::jsonb) as v(id text, merchant_reference text, amount bigint, currency text,
          description text, method text, return_url text, webhook_url text)
        on conflict (merchant_reference) do nothing
        returning id, merchant_reference, return_url`,
      );
      const byReference = new Map(
        created.map((row) => [
          row.merchant_reference,
          { id: row.id, merchantReference: row.merchant_reference, returnUrl: row.return_url },
        ]),
      );
      // The same merchant reference twice is the same checkout (an idempotent retry).
      const retried = inputs
        .map((input) => input.merchantReference)
        .filter((ref) => !byReference.has(ref));
      if (retried.length > 0) {
        const existing = await deps.db
          .select()
          .from(sandboxTransactions)
          .where(inArray(sandboxTransactions.merchantReference, retried));
        for (const row of existing) {
          byReference.set(row.merchantReference, row);
        }
      }
      return inputs.map((input) => {
        const row = byReference.get(input.merchantReference);
        if (!row) {
          throw new Error("sandbox checkout not created");
        }
        return {
          providerRef: row.id,
          // Embedded in the app, the sandbox serves its page on the host the trader returns to.
          checkoutUrl: `${new URL(row.returnUrl).origin}/sandbox/checkout/${row.id}`,
        };
      });
    },

    async findByReference(merchantReference) {
      const [row] = await deps.db
        .select({ id: sandboxTransactions.id })
        .from(sandboxTransactions)
        .where(eq(sandboxTransactions.merchantReference, merchantReference));
      return row?.id ?? null;
    },

    async verify(providerRef) {
      maybeFail();
      return answer(await provider.find(providerRef));
    },

    async verifyMany(requests) {
      const outcomes = requests.map(() => {
        try {
          maybeFail();
          return null;
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      const wanted = requests.filter((_, i) => outcomes[i] === null).map((r) => r.providerRef);
      const rows = new Map(
        wanted.length === 0
          ? []
          : (
              await deps.db
                .select()
                .from(sandboxTransactions)
                .where(inArray(sandboxTransactions.id, wanted))
            ).map((row) => [row.id, row]),
      );
      return requests.map((request, i) => {
        const failed = outcomes[i];
        if (failed) {
          return failed;
        }
        try {
          return { ok: true as const, value: answer(rows.get(request.providerRef)) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
    },

    async refund({ providerRef, amount, idempotencyKey }) {
      maybeFail();
      return deps.db.transaction(async (tx) => {
        const [done] = await tx
          .select()
          .from(sandboxRefunds)
          .where(eq(sandboxRefunds.merchantReference, idempotencyKey));
        if (done) {
          return { refundRef: done.id };
        }
        const updated = await tx
          .update(sandboxTransactions)
          .set({ refundedAmount: sql`${sandboxTransactions.refundedAmount} + ${amount}` })
          .where(
            and(
              eq(sandboxTransactions.id, providerRef),
              eq(sandboxTransactions.status, "paid"),
              sql`${sandboxTransactions.refundedAmount} + ${amount} <= ${sandboxTransactions.amount}`,
            ),
          )
          .returning({ id: sandboxTransactions.id });
        if (updated.length === 0) {
          throw new Error("sandbox refund refused: not paid, or more than what is left");
        }
        const refundRef = `sbr_${randomBytes(10).toString("hex")}`;
        await tx.insert(sandboxRefunds).values({
          id: refundRef,
          transactionId: providerRef,
          amount,
          merchantReference: idempotencyKey,
        });
        return { refundRef };
      });
    },

    parseWebhook(headers, rawBody): VerifiedWebhook {
      const header = headers[SANDBOX_SIGNATURE_HEADER];
      const value = Array.isArray(header) ? header[0] : header;
      const parts = Object.fromEntries(
        (value ?? "").split(",").map((kv) => kv.split("=", 2) as [string, string]),
      );
      const timestamp = Number(parts.t);
      if (
        !parts.v1 ||
        !Number.isInteger(timestamp) ||
        Math.abs(Date.now() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS
      ) {
        throw new AppError("webhook_signature_invalid");
      }
      const expected = Buffer.from(
        signSandboxPayload(deps.secret, rawBody, timestamp).split("v1=")[1] ?? "",
        "hex",
      );
      const given = Buffer.from(parts.v1, "hex");
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        throw new AppError("webhook_signature_invalid");
      }
      const event = JSON.parse(rawBody) as {
        id?: unknown;
        data?: { transactionId?: unknown; status?: unknown };
      };
      if (typeof event.id !== "string" || typeof event.data?.transactionId !== "string") {
        throw new AppError("webhook_mismatch", "Webhook body is missing its id or transaction");
      }
      const claimed =
        event.data.status === "paid"
          ? "paid"
          : event.data.status === "declined"
            ? "declined"
            : "expired";
      return {
        eventKey: event.id,
        providerRef: event.data.transactionId,
        claimedStatus: claimed,
        payload: event,
      };
    },

    async find(id) {
      const [row] = await deps.db
        .select()
        .from(sandboxTransactions)
        .where(eq(sandboxTransactions.id, id));
      return row;
    },

    /**
     * The trader's choice on the checkout page. Records it once (a second click changes nothing)
     * and queues the signed webhook to the merchant.
     */
    async decide(id, { approve, method }) {
      return deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(sandboxTransactions)
          .set({
            status: sql`case when ${sandboxTransactions.createdAt} < now() - make_interval(mins => ${CHECKOUT_TTL_MINUTES}) then 'expired' when ${approve} then 'paid' else 'declined' end`,
            method,
            decidedAt: sql`now()`,
          })
          .where(and(eq(sandboxTransactions.id, id), eq(sandboxTransactions.status, "created")))
          .returning();
        if (row) {
          await queueWebhook(tx, row);
        }
        return row ?? (await provider.find(id)) ?? null;
      });
    },

    simulateOutage(calls) {
      failingCalls = calls;
    },
  };
  return provider;
}
export type SandboxProvider = ReturnType<typeof createSandboxProvider>;

async function queueWebhook(tx: DbOrTx, row: SandboxRow): Promise<void> {
  const body = JSON.stringify({
    id: `evt_${row.id}_${row.status}`,
    type: `transaction.${row.status}`,
    created: new Date().toISOString(),
    data: {
      transactionId: row.id,
      merchantReference: row.merchantReference,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      method: row.method,
    },
  });
  await enqueue(tx, "sandbox.webhook", { url: row.webhookUrl, body });
}

/** The worker side of the sandbox: POSTs a queued webhook, signed at send time. */
export async function deliverSandboxWebhook(
  secret: string,
  payload: { url: string; body: string },
): Promise<void> {
  const response = await fetch(payload.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [SANDBOX_SIGNATURE_HEADER]: signSandboxPayload(secret, payload.body),
    },
    body: payload.body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`webhook answered ${response.status}`);
  }
}
