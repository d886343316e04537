import { randomUUID } from "node:crypto";
import { type FakeServer, startFakeServer } from "../../payments/fakes/fake-server.ts";
import { whatsappSignature } from "../whatsapp.ts";

/**
 * A local WhatsApp Cloud API (providers.md 3.1, 3.3, 3.5): `POST /:version/:phoneNumberId/messages`
 * with a Bearer token; text (≤ 4096) and template messages; answers with a `wamid.`; then posts
 * `statuses` webhooks (sent, delivered, read) signed with the app secret over the raw bytes,
 * JSON escaped the way Meta escapes it (`\/` and `\uXXXX`). Numbers ending 131026 are
 * undeliverable: accepted, then reported failed.
 */
export interface WhatsappFakeOptions {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  host?: string;
  port?: number;
  timeScale?: number;
}

export interface FakeWhatsappMessage {
  id: string;
  to: string;
  type: "text" | "template";
  text?: string;
  template?: { name: string; language: string; params: string[] };
}

export interface WhatsappFake extends FakeServer {
  messages: FakeWhatsappMessage[];
  setWebhookUrl(url: string | null): void;
  /** Meta's JSON with its escapes, and the signature header for it. */
  signedBody(payload: unknown): { body: string; headers: Record<string, string> };
}

/** JSON as Meta sends it: slashes and every non-ASCII character escaped. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replaceAll("/", "\\/")
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const graphError = (status: number, code: number, message: string) => ({
  status,
  type: "application/json",
  body: JSON.stringify({
    error: { message, type: "OAuthException", code, fbtrace_id: randomUUID().slice(0, 12) },
  }),
});

export async function startWhatsappFake(options: WhatsappFakeOptions): Promise<WhatsappFake> {
  const messages: FakeWhatsappMessage[] = [];
  let webhookUrl: string | null = null;
  const signedBody = (payload: unknown) => {
    const body = metaJson(payload);
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": whatsappSignature(options.appSecret, Buffer.from(body, "utf8")),
      },
    };
  };
  const statusEvent = (id: string, to: string, status: string) => ({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: "15550555555",
                phone_number_id: options.phoneNumberId,
              },
              statuses: [
                {
                  id,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: to,
                  ...(status === "failed"
                    ? { errors: [{ code: 131026, title: "Message undeliverable — réessayez" }] }
                    : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const server: FakeServer = await startFakeServer({
    host: options.host,
    port: options.port,
    timeScale: options.timeScale ?? 1,
    callbackAttempts: 5,
    handle(request) {
      const match = /^\/(v\d+\.\d+)\/(\d+)\/messages$/.exec(request.path);
      if (request.method !== "POST" || !match) {
        return graphError(400, 100, "Unsupported post request");
      }
      if (request.headers.authorization !== `Bearer ${options.token}`) {
        return graphError(401, 190, "Invalid OAuth access token");
      }
      if (match[2] !== options.phoneNumberId) {
        return graphError(400, 100, "Object with ID does not exist");
      }
      const body = JSON.parse(request.body) as {
        messaging_product?: string;
        to?: string;
        type?: string;
        text?: { body?: string };
        template?: {
          name?: string;
          language?: { code?: string };
          components?: { parameters?: { text: string }[] }[];
        };
      };
      if (body.messaging_product !== "whatsapp" || !/^\d{8,15}$/.test(body.to ?? "")) {
        return graphError(400, 100, "Invalid parameter");
      }
      const id = `wamid.${Buffer.from(randomUUID()).toString("base64url")}`;
      const to = body.to as string;
      if (body.type === "text" && body.text?.body && body.text.body.length <= 4096) {
        messages.push({ id, to, type: "text", text: body.text.body });
      } else if (body.type === "template" && body.template?.name && body.template.language?.code) {
        messages.push({
          id,
          to,
          type: "template",
          template: {
            name: body.template.name,
            language: body.template.language.code,
            params: (body.template.components?.[0]?.parameters ?? []).map((p) => p.text),
          },
        });
      } else {
        return graphError(400, 100, "Invalid parameter");
      }
      if (webhookUrl) {
        const url = webhookUrl;
        const steps = to.endsWith("131026") ? ["sent", "failed"] : ["sent", "delivered", "read"];
        steps.forEach((status, i) => {
          server.later(20 * (i + 1), () => {
            const signed = signedBody(statusEvent(id, to, status));
            server.callback(url, signed.body, signed.headers);
          });
        });
      }
      return {
        status: 200,
        type: "application/json",
        body: JSON.stringify({
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: to }],
          messages: [{ id }],
        }),
      };
    },
  });
  return Object.assign(server, {
    messages,
    setWebhookUrl(url: string | null) {
      webhookUrl = url;
    },
    signedBody,
  });
}
