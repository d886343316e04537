import nodemailer from "nodemailer";
import type { ChannelDriver } from "./sms.ts";

/**
 * Email over SMTP through nodemailer. The idempotency key goes out as the Message-ID, so a mail
 * server or a reader can tell a resend of the same message.
 */
export function createSmtpDriver(
  config: { url: string; from: string },
  timeoutMs: number,
): ChannelDriver {
  const transport = nodemailer.createTransport({
    url: config.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    name: "smtp",
    async send({ to, subject, body, idempotencyKey }) {
      const messageId = `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, ".")}@connectsphere.app>`;
      const info = await transport.sendMail({
        from: config.from,
        to,
        subject: subject ?? "ConnectSphere",
        text: body,
        messageId,
      });
      return { providerMessageId: info.messageId ?? messageId };
    },
  };
}
