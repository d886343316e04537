import { randomUUID } from "node:crypto";
import {
  decodePaynowMessage,
  encodePaynowMessage,
  hasValidPaynowHash,
  type PaynowMessage,
  paynowField,
  paynowHash,
} from "../providers/paynow-codec.ts";
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
 * A local Paynow speaking its HTTP API (providers.md 1.10): initiate (web), remote (express),
 * trace, and the poll URL (GET and POST), every message hashed with the integration's key and
 * checked over the order received. Express outcomes follow Paynow's test numbers:
 *
 * - 0771111111: paid after 5 s;  0772222222: paid after 30 s;
 * - 0773333333: failed after 30 s (the trader cancelled on the handset);
 * - 0774444444: refused at once with "Insufficient balance";
 * - any other number: the prompt is never answered (the payment times out).
 *
 * Status updates are POSTed to the result URL (retried up to ten times on errors), and can be
 * made late, doubled or lost. The web checkout page offers "Faked Success" and "Cancel".
 */
export interface PaynowFakeOptions {
  integrations: Array<{ id: string; key: string }>;
  host?: string;
  port?: number;
  /** 1 = real time; 0.01 makes the 5-second test number answer in 50 ms. */
  timeScale?: number;
}

export interface PaynowFakeTransaction {
  guid: string;
  paynowReference: number;
  integrationId: string;
  reference: string;
  amount: string;
  status: string;
  express: boolean;
  method: string | null;
  phone: string | null;
  merchantTrace: string | null;
  resultUrl: string;
  returnUrl: string;
}

export const PAYNOW_TEST_NUMBERS = {
  paidAfter5s: "0771111111",
  paidAfter30s: "0772222222",
  failedAfter30s: "0773333333",
  insufficientBalance: "0774444444",
} as const;

const INSTRUCTIONS: Record<string, string> = {
  ecocash:
    "Dial *151*2*4# and enter your EcoCash PIN. Once you have authorized the payment via your handset, please click Check For Payment below to conclude this transaction",
  onemoney:
    "Dial *111# and approve the payment with your OneMoney PIN. Once you have authorized the payment via your handset, please click Check For Payment below to conclude this transaction",
};

function form(fields: Array<[string, string]>): FakeResponse {
  return { body: new URLSearchParams(fields).toString() };
}

function error(message: string): FakeResponse {
  // Error answers carry no hash.
  return form([
    ["status", "Error"],
    ["error", message],
  ]);
}

/** Starts the fake on loopback; `url` is its base (what PAYNOW_BASE_URL points at). */
export async function startPaynowFake(options: PaynowFakeOptions) {
  const keys = new Map(options.integrations.map((i) => [i.id, i.key.toLowerCase()]));
  const byGuid = new Map<string, PaynowFakeTransaction>();
  let nextReference = 15_655_540;
  // Filled in once the server listens (URLs in answers point at the fake itself).
  let base = "";

  function statusMessage(txn: PaynowFakeTransaction): string {
    return encodePaynowMessage(
      [
        ["reference", txn.reference],
        ["paynowreference", String(txn.paynowReference)],
        ["amount", txn.amount],
        ["status", txn.status],
        ["pollurl", `${base}/Interface/CheckPayment/?guid=${txn.guid}`],
      ],
      keys.get(txn.integrationId) ?? "",
    );
  }

  function settle(txn: PaynowFakeTransaction, status: string): void {
    if (["paid", "cancelled", "failed"].includes(txn.status.toLowerCase())) {
      return;
    }
    txn.status = status;
    server.callback(txn.resultUrl, statusMessage(txn), {
      "content-type": "application/x-www-form-urlencoded",
    });
  }

  /** The message's integration and hash, checked as Paynow does; an error answer if wrong. */
  function authenticate(message: PaynowMessage): { id: string } | FakeResponse {
    const id = paynowField(message, "id") ?? "";
    const key = keys.get(id);
    if (!key) {
      return error("Invalid Id.");
    }
    if (!hasValidPaynowHash(message, key)) {
      const expected = paynowHash(
        message.filter(([k]) => k !== "hash").map(([, v]) => v),
        key,
      );
      return error(`Invalid Hash.  Hash should start with: ${expected.slice(0, 6)}`);
    }
    return { id };
  }

  function initiate(message: PaynowMessage, express: boolean): FakeResponse {
    const auth = authenticate(message);
    if (!("id" in auth)) {
      return auth;
    }
    const amount = paynowField(message, "amount") ?? "";
    const reference = paynowField(message, "reference") ?? "";
    const resultUrl = paynowField(message, "resulturl") ?? "";
    if (!/^\d+\.\d{2}$/.test(amount) || amount === "0.00") {
      return error("Invalid amount field");
    }
    if (!reference || !resultUrl || paynowField(message, "status") !== "Message") {
      return error("Missing reference, result URL or status");
    }
    const method = paynowField(message, "method") ?? null;
    const phone = paynowField(message, "phone") ?? null;
    if (express) {
      if (!paynowField(message, "authemail")) {
        return error("Auth email is required for mobile transactions");
      }
      if (method !== "ecocash" && method !== "onemoney") {
        return error("Invalid payment method");
      }
      if (!phone) {
        return error("Phone number is required");
      }
      if (phone === PAYNOW_TEST_NUMBERS.insufficientBalance) {
        return error("Insufficient balance");
      }
    }
    const txn: PaynowFakeTransaction = {
      guid: randomUUID(),
      paynowReference: nextReference++,
      integrationId: auth.id,
      reference,
      amount,
      status: express ? "Sent" : "Created",
      express,
      method,
      phone,
      merchantTrace: paynowField(message, "merchanttrace") ?? null,
      resultUrl,
      returnUrl: paynowField(message, "returnurl") ?? "",
    };
    byGuid.set(txn.guid, txn);
    const pollUrl = `${base}/Interface/CheckPayment/?guid=${txn.guid}`;
    const key = keys.get(auth.id) ?? "";
    if (!express) {
      return {
        body: encodePaynowMessage(
          [
            ["status", "Ok"],
            ["browserurl", `${base}/Payment/ConfirmPayment/${txn.guid}`],
            ["pollurl", pollUrl],
            ["paynowreference", String(txn.paynowReference)],
          ],
          key,
        ),
      };
    }
    const outcome: Record<string, [number, string]> = {
      [PAYNOW_TEST_NUMBERS.paidAfter5s]: [5_000, "Paid"],
      [PAYNOW_TEST_NUMBERS.paidAfter30s]: [30_000, "Paid"],
      [PAYNOW_TEST_NUMBERS.failedAfter30s]: [30_000, "Failed"],
    };
    const planned = outcome[phone ?? ""];
    if (planned) {
      server.later(planned[0], () => settle(txn, planned[1]));
    }
    return {
      body: encodePaynowMessage(
        [
          ["status", "Ok"],
          ["instructions", INSTRUCTIONS[method ?? ""] ?? ""],
          ["paynowreference", String(txn.paynowReference)],
          ["pollurl", pollUrl],
        ],
        key,
      ),
    };
  }

  function trace(message: PaynowMessage): FakeResponse {
    const auth = authenticate(message);
    if (!("id" in auth)) {
      return auth;
    }
    const wanted = paynowField(message, "merchanttrace");
    const txn = [...byGuid.values()].find(
      (t) => t.integrationId === auth.id && t.merchantTrace === wanted,
    );
    return txn
      ? { body: statusMessage(txn) }
      : { body: encodePaynowMessage([["status", "NotFound"]], keys.get(auth.id) ?? "") };
  }

  function checkoutPage(txn: PaynowFakeTransaction): FakeResponse {
    const decided = txn.status !== "Created";
    return fakePage(
      "Paynow (fake) · Confirm payment",
      `<p>Reference ${escapeHtml(txn.reference)} · Amount ${escapeHtml(txn.amount)}</p>
${
  decided
    ? `<p>This payment is <strong>${escapeHtml(txn.status)}</strong>.</p><p><a href="${escapeHtml(txn.returnUrl)}">Return to the merchant</a></p>`
    : `<form method="post"><button name="decision" value="Paid">[TESTING: Faked Success]</button>
<button name="decision" value="Cancelled">Cancel</button></form>`
}`,
    );
  }

  async function handle(request: FakeRequest): Promise<FakeResponse> {
    const message = decodePaynowMessage(request.body);
    switch (request.path) {
      case "/interface/initiatetransaction":
        return initiate(message, false);
      case "/interface/remotetransaction":
        return initiate(message, true);
      case "/interface/trace":
        return trace(message);
      case "/interface/checkpayment": {
        const txn = byGuid.get(request.query.get("guid") ?? "");
        return txn ? { body: statusMessage(txn) } : error("Invalid guid");
      }
      case "/_fake/transactions":
        if (request.method === "POST") {
          const body = JSON.parse(request.body || "{}") as { guid?: string; status?: string };
          const txn = byGuid.get(body.guid ?? "");
          if (txn && body.status) {
            settle(txn, body.status);
          }
        }
        return { type: "application/json", body: JSON.stringify([...byGuid.values()]) };
      default:
        break;
    }
    const page = /^\/payment\/confirmpayment\/([0-9a-f-]{36})$/.exec(request.path);
    const txn = page ? byGuid.get(page[1] ?? "") : undefined;
    if (!txn) {
      return { status: 404, body: "Not found" };
    }
    if (request.method === "POST") {
      const decision = new URLSearchParams(request.body).get("decision");
      settle(txn, decision === "Paid" ? "Paid" : "Cancelled");
      return { status: 302, headers: { location: txn.returnUrl } };
    }
    return checkoutPage(txn);
  }

  const server = await startFakeServer({
    host: options.host,
    port: options.port,
    timeScale: options.timeScale ?? 1,
    // Paynow resends a status update up to ten times while the merchant answers an error.
    callbackAttempts: 10,
    alwaysUp: (path) => path.startsWith("/_fake"),
    handle,
  });
  base = server.url;
  return {
    url: server.url,
    transactions: () => [...byGuid.values()],
    find: (reference: string) => [...byGuid.values()].find((t) => t.reference === reference),
    /** As if the trader acted on the page or the handset: Paid, Cancelled, Failed. */
    settle(reference: string, status: string) {
      const txn = [...byGuid.values()].find((t) => t.reference === reference);
      if (txn) {
        settle(txn, status);
      }
    },
    /** The status update Paynow would send for a transaction (for replays in tests). */
    statusUpdate(reference: string): string | null {
      const txn = [...byGuid.values()].find((t) => t.reference === reference);
      return txn ? statusMessage(txn) : null;
    },
    setFault: (fault: Fault) => server.setFault(fault),
    setCallbacks: (mode: CallbackMode) => server.setCallbacks(mode),
    hits: server.hits,
    close: server.close,
  };
}
export type PaynowFake = Awaited<ReturnType<typeof startPaynowFake>>;
