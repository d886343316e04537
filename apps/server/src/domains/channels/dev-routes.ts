import { localMessages } from "@cs/db";
import { desc, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";

const ZQuery = z.object({
  to: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const ZLocalMessage = z.object({
  channel: z.string(),
  recipient: z.string(),
  body: z.string(),
  createdAt: z.string(),
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What the embedded channel drivers "sent", for developers and testers. Registered only when
 * DEV_ROUTES is on (never by default in production).
 */
export const devRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  async function recent(to: string | undefined, limit: number) {
    const rows = await ctx.db
      .select()
      .from(localMessages)
      .where(to ? eq(localMessages.recipient, to) : undefined)
      .orderBy(desc(localMessages.createdAt), desc(localMessages.id))
      .limit(limit);
    return rows.map((row) => ({
      channel: row.channel,
      recipient: row.recipient,
      body: row.body,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  app.get(
    "/messages.json",
    {
      config: { public: true },
      schema: {
        hide: true,
        querystring: ZQuery,
        response: { 200: z.object({ items: z.array(ZLocalMessage) }) },
      },
    },
    async (request) => ({ items: await recent(request.query.to, request.query.limit) }),
  );

  app.get(
    "/messages",
    { config: { public: true }, schema: { hide: true, querystring: ZQuery } },
    async (request, reply) => {
      const items = await recent(request.query.to, request.query.limit);
      const rows = items
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.createdAt)}</td><td>${escapeHtml(m.channel)}</td><td>${escapeHtml(m.recipient)}</td><td>${escapeHtml(m.body)}</td></tr>`,
        )
        .join("");
      return reply
        .type("text/html; charset=utf-8")
        .send(`<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Dev messages · ConnectSphere</title>
<style>body{font:14px system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}td:last-child{white-space:pre-wrap}</style>
</head><body><h1>Messages sent by the local drivers</h1><p>SMS, email and WhatsApp, newest first. Development only; nothing here left the machine.</p>
<table><thead><tr><th>When (UTC)</th><th>Channel</th><th>To</th><th>Message</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No messages yet.</td></tr>'}</tbody></table></body></html>`);
    },
  );
};
