import { randomBytes } from "node:crypto";
import { flutterwaveSignature } from "../providers/flutterwave.ts";
import {
  type CallbackMode,
  escapeHtml,
  type FakeRequest,
  type FakeResponse,
  type Fault,
  fakePage,
  startFakeServer,
} from "./fake-server.ts";

/**
 * A local Flutterwave v3 (providers.md 2.10): hosted checkout links, a test checkout page,
 * verify by id and by tx_ref, refunds, transfers, and `charge.completed` / `transfer.completed`
 * webhooks signed with `verif-hash` (and `flutterwave-signature`). Bearer key required.
 *
 * Test cards (as Flutterwave's): 5531886652142950 succeeds; 5258585922666506 fails
 * (insufficient funds); 5590131743294314 fails (fraudulent). Transfers stay PENDING unless the
 * reference ends in `_PMCK` (successful after 10 min) or `_PMCK_ST_F` (failed); `DU_<minutes>`
 * changes the delay; account 0690000036 is blacklisted.
 */
export interface FlutterwaveFakeOptions {
  secretKey: string;
  webhookHash: string;
  /** Where webhooks go (set in Flutterwave's dashboard; here, settable later). */
  webhookUrl?: string;
  host?: string;
  port?: number;
  timeScale?: number;
}

export const FLUTTERWAVE_TEST_CARDS = {
  success: "5531886652142950",
  insufficientFunds: "5258585922666506",
  fraudulent: "5590131743294314",
} as const;

interface Link {
  id: string;
  txRef: string;
  amount: number;
  currency: string;
  redirectUrl: string;
  customer: Record<string, unknown>;
}

export interface FlutterwaveFakeTransaction {
  id: number;
  tx_ref: string;
  flw_ref: string;
  amount: number;
  currency: string;
  charged_amount: number;
  app_fee: number;
  status: "successful" | "failed" | "pending";
  processor_response: string;
  payment_type: string;
  created_at: string;
  customer: Record<string, unknown>;
  card: { first_6digits: string; last_4digits: string };
  refunded: number;
}

interface FakeTransfer {
  id: number;
  account_number: string;
  bank_code: string;
  full_name: string;
  currency: string;
  debit_currency: string;
  amount: number;
  fee: number;
  status: string;
  reference: string;
  narration: string;
  complete_message: string;
  requires_approval: number;
  is_approved: number;
  created_at: string;
}

function json(status: number, body: unknown): FakeResponse {
  return { status, type: "application/json", body: JSON.stringify(body) };
}

function fail(status: number, message: string): FakeResponse {
  return json(status, { status: "error", message, data: null });
}

function ok(message: string, data: unknown): FakeResponse {
  return json(200, { status: "success", message, data });
}

/** Major units only as money: at most two decimals. */
function isAmount(value: unknown): value is number {
  return typeof value === "number" && value > 0 && Math.round(value * 100) === value * 100;
}

/** Starts the fake; `url` is its base (what FLUTTERWAVE_BASE_URL points at). */
export async function startFlutterwaveFake(options: FlutterwaveFakeOptions) {
  const links = new Map<string, Link>();
  const transactions: FlutterwaveFakeTransaction[] = [];
  const transfers: FakeTransfer[] = [];
  let webhookUrl = options.webhookUrl;
  let nextId = 5_708_000;
  let failingRefunds = 0;
  let base = "";

  function webhook(body: Record<string, unknown>): void {
    if (!webhookUrl) {
      return;
    }
    const raw = JSON.stringify(body);
    server.callback(webhookUrl, raw, {
      "content-type": "application/json",
      "verif-hash": options.webhookHash,
      "flutterwave-signature": flutterwaveSignature(options.webhookHash, raw),
    });
  }

  /** The trader pays on the hosted page with a test card (or a test calls this directly). */
  function pay(link: Link, card: string): FlutterwaveFakeTransaction {
    const declined =
      card === FLUTTERWAVE_TEST_CARDS.insufficientFunds ||
      card === FLUTTERWAVE_TEST_CARDS.fraudulent;
    const txn: FlutterwaveFakeTransaction = {
      id: nextId++,
      tx_ref: link.txRef,
      flw_ref: `FLW-MOCK-${randomBytes(8).toString("hex")}`,
      amount: link.amount,
      currency: link.currency,
      charged_amount: link.amount,
      app_fee: Math.round(link.amount * 1.4) / 100,
      status: declined ? "failed" : "successful",
      processor_response: declined
        ? card === FLUTTERWAVE_TEST_CARDS.fraudulent
          ? "Transaction declined: fraudulent"
          : "Insufficient funds"
        : "Approved",
      payment_type: "card",
      created_at: new Date().toISOString(),
      customer: link.customer,
      card: { first_6digits: card.slice(0, 6), last_4digits: card.slice(-4) },
      refunded: 0,
    };
    transactions.push(txn);
    webhook({ event: "charge.completed", "event.type": "CARD_TRANSACTION", data: txn });
    return txn;
  }

  function authorized(request: FakeRequest): boolean {
    return request.headers.authorization === `Bearer ${options.secretKey}`;
  }

  function createLink(body: Record<string, unknown>): FakeResponse {
    const customer = (body.customer ?? {}) as Record<string, unknown>;
    if (typeof body.tx_ref !== "string" || !body.tx_ref) {
      return fail(400, "tx_ref is required");
    }
    if (!isAmount(body.amount)) {
      return fail(400, "amount must be a positive number with at most two decimals");
    }
    if (typeof body.redirect_url !== "string" || typeof customer.email !== "string") {
      return fail(400, "redirect_url and customer.email are required");
    }
    const link: Link = {
      id: `flwlnk-${randomBytes(10).toString("hex")}`,
      txRef: body.tx_ref,
      amount: body.amount,
      currency: typeof body.currency === "string" ? body.currency : "NGN",
      redirectUrl: body.redirect_url,
      customer,
    };
    links.set(link.id, link);
    return ok("Hosted Link", { link: `${base}/v3/hosted/pay/${link.id}` });
  }

  function refund(id: number, body: Record<string, unknown>): FakeResponse {
    if (failingRefunds > 0) {
      failingRefunds -= 1;
      // Refunds come out of the available balance, which can run short.
      return fail(400, "Insufficient available balance to process this refund");
    }
    const txn = transactions.find((t) => t.id === id);
    if (!txn) {
      return fail(400, "No transaction was found for this id");
    }
    const amount = body.amount === undefined ? txn.amount - txn.refunded : body.amount;
    if (txn.status !== "successful" || !isAmount(amount) || txn.refunded + amount > txn.amount) {
      return fail(400, "Refund amount exceeds what can be refunded");
    }
    txn.refunded = Math.round((txn.refunded + amount) * 100) / 100;
    return ok("Transaction refund initiated", {
      id: nextId++,
      account_id: 73_362,
      tx_id: txn.id,
      flw_ref: `URF_${Date.now()}_${randomBytes(3).toString("hex")}`,
      wallet_id: 74_639,
      amount_refunded: amount,
      status: "completed",
      destination: "payment_source",
      meta: { source: "availablebalance", comments: body.comments ?? null },
      created_at: new Date().toISOString(),
    });
  }

  function createTransfer(body: Record<string, unknown>): FakeResponse {
    if (body.account_number === "0690000036") {
      return fail(400, "Payout was made to a blacklisted account number");
    }
    const reference = typeof body.reference === "string" ? body.reference : "";
    if (!reference || !isAmount(body.amount) || typeof body.account_bank !== "string") {
      return fail(400, "account_bank, account_number, amount and reference are required");
    }
    if (transfers.some((t) => t.reference === reference)) {
      return fail(400, "Duplicate reference");
    }
    const transfer: FakeTransfer = {
      id: nextId++,
      account_number: String(body.account_number ?? ""),
      bank_code: body.account_bank,
      full_name: String(body.beneficiary_name ?? ""),
      currency: String(body.currency ?? "NGN"),
      debit_currency: String(body.debit_currency ?? "NGN"),
      amount: body.amount,
      fee: 10.75,
      status: "NEW",
      reference,
      narration: String(body.narration ?? ""),
      complete_message: "",
      requires_approval: 0,
      is_approved: 1,
      created_at: new Date().toISOString(),
    };
    transfers.push(transfer);
    const mock = /_PMCK(_ST_F)?(?:DU_(\d+))?$/.exec(reference);
    transfer.status = "PENDING";
    if (mock) {
      const minutes = mock[2] ? Number(mock[2]) : 10;
      server.later(minutes * 60_000, () => {
        transfer.status = mock[1] ? "FAILED" : "SUCCESSFUL";
        transfer.complete_message = mock[1] ? "Mocked failed transfer" : "Successful";
        webhook({ event: "transfer.completed", "event.type": "Transfer", data: transfer });
      });
    }
    return ok("Transfer Queued Successfully", { ...transfer, status: "NEW" });
  }

  function checkoutPage(link: Link): FakeResponse {
    const options = [
      [FLUTTERWAVE_TEST_CARDS.success, "Test card that succeeds"],
      [FLUTTERWAVE_TEST_CARDS.insufficientFunds, "Test card: insufficient funds"],
      [FLUTTERWAVE_TEST_CARDS.fraudulent, "Test card: fraudulent"],
    ];
    return fakePage(
      "Flutterwave (fake) · Checkout",
      `<p>${escapeHtml(link.currency)} ${link.amount.toFixed(2)} · ${escapeHtml(link.txRef)}</p>
<form method="post">${options
        .map(([card, label]) => `<button name="card" value="${card}">${label}</button>`)
        .join("")}<button name="card" value="cancel">Cancel</button></form>`,
    );
  }

  async function handle(request: FakeRequest): Promise<FakeResponse> {
    const page = /^\/v3\/hosted\/pay\/([\w-]+)$/.exec(request.path);
    if (page) {
      const link = links.get(page[1] ?? "");
      if (!link) {
        return { status: 404, body: "This payment link is not valid" };
      }
      if (request.method !== "POST") {
        return checkoutPage(link);
      }
      const card = new URLSearchParams(request.body).get("card") ?? "";
      const target = new URL(link.redirectUrl);
      target.searchParams.set("tx_ref", link.txRef);
      if (card === "cancel") {
        target.searchParams.set("status", "cancelled");
      } else {
        const txn = pay(link, card);
        target.searchParams.set("status", txn.status);
        target.searchParams.set("transaction_id", String(txn.id));
      }
      return { status: 302, headers: { location: target.toString() } };
    }
    if (request.path.startsWith("/_fake/")) {
      return control(request);
    }
    if (!authorized(request)) {
      return fail(401, "Invalid authorization key");
    }
    const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
    if (request.method === "POST" && request.path === "/v3/payments") {
      return createLink(body);
    }
    if (request.path === "/v3/transactions/verify_by_reference") {
      const txRef = request.query.get("tx_ref");
      const txn = transactions.filter((t) => t.tx_ref === txRef).at(-1);
      return txn
        ? ok("Transaction fetched successfully", txn)
        : fail(400, "No transaction was found for this id");
    }
    const verify = /^\/v3\/transactions\/(\d+)\/(verify|refund)$/.exec(request.path);
    if (verify) {
      const id = Number(verify[1]);
      if (verify[2] === "refund" && request.method === "POST") {
        return refund(id, body);
      }
      const txn = transactions.find((t) => t.id === id);
      return txn
        ? ok("Transaction fetched successfully", txn)
        : fail(400, "No transaction was found for this id");
    }
    if (request.method === "POST" && request.path === "/v3/transfers") {
      return createTransfer(body);
    }
    const transfer = /^\/v3\/transfers\/(\d+)$/.exec(request.path);
    if (transfer) {
      const found = transfers.find((t) => t.id === Number(transfer[1]));
      return found ? ok("Transfer fetched", found) : fail(404, "Transfer not found");
    }
    return fail(404, "Not found");
  }

  /** Controls for humans and tests: pay a link, list what the fake holds. */
  function control(request: FakeRequest): FakeResponse {
    if (request.path === "/_fake/pay" && request.method === "POST") {
      const body = JSON.parse(request.body || "{}") as { tx_ref?: string; card?: string };
      const link = [...links.values()].filter((l) => l.txRef === body.tx_ref).at(-1);
      return link
        ? json(200, pay(link, body.card ?? FLUTTERWAVE_TEST_CARDS.success))
        : fail(404, "No link for this tx_ref");
    }
    return json(200, { transactions, transfers, links: [...links.values()] });
  }

  const server = await startFakeServer({
    host: options.host,
    port: options.port,
    timeScale: options.timeScale ?? 1,
    // Flutterwave retries a webhook three times (30 minutes apart) when retries are enabled.
    callbackAttempts: 4,
    alwaysUp: (path) => path.startsWith("/_fake") || path.startsWith("/v3/hosted"),
    handle,
  });
  base = server.url;
  return {
    url: server.url,
    transactions: () => [...transactions],
    transfers: () => [...transfers],
    /** As if the trader paid the latest link of this tx_ref with a test card. */
    pay(txRef: string, card: string = FLUTTERWAVE_TEST_CARDS.success) {
      const link = [...links.values()].filter((l) => l.txRef === txRef).at(-1);
      if (!link) {
        throw new Error(`no checkout link for ${txRef}`);
      }
      return pay(link, card);
    },
    /** The next `count` refund requests are refused (insufficient available balance). */
    failRefunds(count: number) {
      failingRefunds = count;
    },
    setWebhookUrl(url: string) {
      webhookUrl = url;
    },
    setFault: (fault: Fault) => server.setFault(fault),
    setCallbacks: (mode: CallbackMode) => server.setCallbacks(mode),
    hits: server.hits,
    close: server.close,
  };
}
export type FlutterwaveFake = Awaited<ReturnType<typeof startFlutterwaveFake>>;
