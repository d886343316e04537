import { type ChannelDriver, PermanentSendError } from "./sms.ts";

/** Recipient status codes that will not change on a retry (providers.md 4.2). */
const PERMANENT = new Set([402, 403, 404, 406, 409]);

export interface AfricasTalkingConfig {
  username: string;
  apiKey: string;
  baseUrl: string;
  senderId: string | undefined;
}

/**
 * SMS through Africa's Talking: `POST /version1/messaging`, form-encoded, `apiKey` header,
 * success is HTTP 201 with one Recipient per number (statusCode 100/101/102 accepted).
 */
export function createAfricasTalkingDriver(
  config: AfricasTalkingConfig,
  timeoutMs: number,
): ChannelDriver {
  return {
    name: "africastalking",
    async send({ to, body }) {
      const form = new URLSearchParams({ username: config.username, to, message: body });
      if (config.senderId) {
        form.set("from", config.senderId);
      }
      const response = await fetch(`${config.baseUrl}/version1/messaging`, {
        method: "POST",
        headers: {
          apiKey: config.apiKey,
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (response.status !== 201) {
        const message = `Africa's Talking answered ${response.status}: ${text.slice(0, 200)}`;
        throw response.status === 401 || response.status >= 500 || response.status === 429
          ? new Error(message)
          : new PermanentSendError(message);
      }
      const parsed = JSON.parse(text) as {
        SMSMessageData?: {
          Recipients?: { statusCode: number; status: string; messageId?: string }[];
        };
      };
      const recipient = parsed.SMSMessageData?.Recipients?.[0];
      if (!recipient) {
        throw new Error(`Africa's Talking sent to nobody: ${text.slice(0, 200)}`);
      }
      if (recipient.statusCode >= 100 && recipient.statusCode <= 102 && recipient.messageId) {
        return { providerMessageId: recipient.messageId };
      }
      const message = `Africa's Talking refused the message: ${recipient.statusCode} ${recipient.status}`;
      throw PERMANENT.has(recipient.statusCode)
        ? new PermanentSendError(message)
        : new Error(message);
    },
  };
}
