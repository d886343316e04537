import { createHmac, timingSafeEqual } from "node:crypto";
import { type ChannelDriver, PermanentSendError } from "./sms.ts";

export interface WhatsAppCloudConfig {
  token: string;
  phoneNumberId: string;
  baseUrl: string;
  apiVersion: string;
  messageType: "text" | "template";
}

/** `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the app secret, lowercase hex. */
export function whatsappSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

export function verifyWhatsappSignature(
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (!header) {
    return false;
  }
  const expected = Buffer.from(whatsappSignature(appSecret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * WhatsApp Business Cloud API: `POST /{version}/{phone-number-id}/messages` with a Bearer
 * token, a text message or an approved template (`cs_<event>`, body parameters in order).
 */
export function createWhatsappCloudDriver(
  config: WhatsAppCloudConfig,
  timeoutMs: number,
): ChannelDriver {
  return {
    name: "whatsapp-cloud",
    async send({ to, body, template }) {
      const recipient = to.replace(/^\+/, "");
      const message =
        config.messageType === "template" && template
          ? {
              type: "template",
              template: {
                name: template.name,
                language: { code: template.language },
                components: [
                  {
                    type: "body",
                    parameters: template.params.map((text) => ({ type: "text", text })),
                  },
                ],
              },
            }
          : { type: "text", text: { preview_url: false, body } };
      const response = await fetch(
        `${config.baseUrl}/${config.apiVersion}/${config.phoneNumberId}/messages`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
          body: JSON.stringify({
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to: recipient,
            ...message,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      const text = await response.text();
      if (!response.ok) {
        const error = `WhatsApp answered ${response.status}: ${text.slice(0, 300)}`;
        // 4xx other than auth and throttling is about this message (bad number, bad template).
        throw response.status >= 400 &&
          response.status < 500 &&
          response.status !== 401 &&
          response.status !== 429
          ? new PermanentSendError(error)
          : new Error(error);
      }
      const parsed = JSON.parse(text) as { messages?: { id: string }[] };
      const id = parsed.messages?.[0]?.id;
      if (!id) {
        throw new Error(`WhatsApp returned no message id: ${text.slice(0, 200)}`);
      }
      return { providerMessageId: id };
    },
  };
}
