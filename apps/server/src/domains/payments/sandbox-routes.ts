import { ZPaymentMethod } from "@cs/contracts";
import formbody from "@fastify/formbody";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function money(amount: number, currency: string): string {
  return `${currency === "USD" ? "US$" : "ZiG "}${(amount / 100).toFixed(2)}`;
}

const METHODS = [
  { id: "ecocash", label: "EcoCash" },
  { id: "onemoney", label: "OneMoney" },
  { id: "card", label: "Visa / Mastercard" },
] as const;

const STYLE = `body{margin:0;font:16px system-ui,sans-serif;background:#f4f4f5;color:#18181b}
main{max-width:420px;margin:0 auto;padding:16px}.card{background:#fff;border-radius:16px;padding:20px;box-shadow:0 1px 3px #0002}
.brand{font-weight:700;color:#6d28d9;letter-spacing:.02em}.amount{font-size:32px;font-weight:800;margin:8px 0}
label{display:flex;gap:10px;align-items:center;border:2px solid #d4d4d8;border-radius:12px;padding:14px;margin:8px 0;font-weight:600}
button{width:100%;min-height:52px;border:0;border-radius:12px;font-size:17px;font-weight:700;margin-top:10px}
.approve{background:#15803d;color:#fff}.decline{background:#fff;color:#b91c1c;border:2px solid #b91c1c}
.note{font-size:13px;color:#52525b;margin-top:14px}`;

/**
 * The sandbox provider's hosted checkout page, as a real provider would serve it on its own site:
 * the trader picks a method and approves or declines. Only the embedded sandbox has this.
 */
export const sandboxRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(formbody);
  const sandbox = ctx.payments.sandbox;

  app.get(
    "/checkout/:id",
    {
      config: { public: true },
      schema: { hide: true, params: z.object({ id: z.string().regex(/^sbx_[0-9a-f]{24}$/) }) },
    },
    async (request, reply) => {
      const tx = await sandbox.find(request.params.id);
      if (!tx) {
        throw new AppError("not_found", "No such checkout");
      }
      const decided = tx.status !== "created";
      const body = decided
        ? `<p>This payment is <strong>${escapeHtml(tx.status)}</strong>.</p><p><a href="${escapeHtml(tx.returnUrl)}">Back to ConnectSphere</a></p>`
        : `<form method="post">
${METHODS.map((m, i) => `<label><input type="radio" name="method" value="${m.id}" ${tx.method === m.id || (!tx.method && i === 0) ? "checked" : ""}> ${m.label}</label>`).join("\n")}
<button class="approve" name="decision" value="approve" data-testid="sandbox-approve">Approve ${escapeHtml(money(tx.amount, tx.currency))}</button>
<button class="decline" name="decision" value="decline" data-testid="sandbox-decline">Decline</button>
</form>`;
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Sandbox checkout</title><style>${STYLE}</style></head>
<body><main><div class="card"><div class="brand">SANDBOX PAY · test payments only</div>
<p>${escapeHtml(tx.description)}</p><div class="amount">${escapeHtml(money(tx.amount, tx.currency))}</div>${body}
<p class="note">This page stands in for EcoCash, OneMoney and card checkout while ConnectSphere runs on its embedded sandbox. No real money moves.</p>
</div></main></body></html>`);
    },
  );

  app.post(
    "/checkout/:id",
    {
      config: { public: true },
      schema: {
        hide: true,
        params: z.object({ id: z.string().regex(/^sbx_[0-9a-f]{24}$/) }),
        body: z.object({
          method: ZPaymentMethod.default("ecocash"),
          decision: z.enum(["approve", "decline"]),
        }),
      },
    },
    async (request, reply) => {
      const tx = await sandbox.decide(request.params.id, {
        approve: request.body.decision === "approve",
        method: request.body.method,
      });
      if (!tx) {
        throw new AppError("not_found", "No such checkout");
      }
      return reply.redirect(tx.returnUrl, 303);
    },
  );
};
