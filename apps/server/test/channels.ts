import { notificationDeliveries, notifications, outboxEvents } from "@cs/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import {
  type AfricasTalkingFake,
  startAfricasTalkingFake,
} from "../src/domains/channels/fakes/africastalking-fake.ts";
import { type SmtpFake, startSmtpFake } from "../src/domains/channels/fakes/smtp-fake.ts";
import {
  startWhatsappFake,
  type WhatsappFake,
} from "../src/domains/channels/fakes/whatsapp-fake.ts";
import { createTestApp, type TestApp } from "./harness.ts";

export const FAKE_AT = { username: "connectsphere", apiKey: "atsk_local_fake_key" };
export const FAKE_WA = {
  token: "EAAG-local-fake-token",
  phoneNumberId: "106540352242922",
  appSecret: "local-app-secret",
  verifyToken: "local-verify-token",
};
export const AT_CALLBACK_TOKEN = "at-reports-7f3c9a1b2d4e5f60718293a4";

export interface ChannelTestApp {
  t: TestApp;
  at: AfricasTalkingFake;
  whatsapp: WhatsappFake;
  smtp: SmtpFake;
  close(): Promise<void>;
}

/**
 * The app listening on loopback with every channel on its real adapter, each talking to a local
 * fake of the provider's API (Africa's Talking, WhatsApp Cloud, an SMTP server).
 */
export async function createChannelTestApp(
  env: Record<string, string> = {},
): Promise<ChannelTestApp> {
  const at = await startAfricasTalkingFake({ ...FAKE_AT, timeScale: 0.01 });
  const whatsapp = await startWhatsappFake({ ...FAKE_WA, timeScale: 0.01 });
  const smtp = await startSmtpFake();
  const t = await createTestApp(
    {
      SMS_DRIVER: "africastalking",
      AT_USERNAME: FAKE_AT.username,
      AT_API_KEY: FAKE_AT.apiKey,
      AT_BASE_URL: at.url,
      AT_SENDER_ID: "CSPHERE",
      AT_CALLBACK_TOKEN,
      EMAIL_DRIVER: "smtp",
      SMTP_URL: smtp.url,
      SMTP_FROM: "ConnectSphere <no-reply@connectsphere.test>",
      WHATSAPP_DRIVER: "cloud",
      WHATSAPP_TOKEN: FAKE_WA.token,
      WHATSAPP_PHONE_NUMBER_ID: FAKE_WA.phoneNumberId,
      WHATSAPP_APP_SECRET: FAKE_WA.appSecret,
      WHATSAPP_VERIFY_TOKEN: FAKE_WA.verifyToken,
      WHATSAPP_BASE_URL: whatsapp.url,
      CHANNEL_TIMEOUT_MS: "2000",
      ...env,
    },
    { listen: true },
  );
  at.setReportUrl(
    `${t.ctx.urls.internal}/api/v1/channels/sms/delivery-reports/${AT_CALLBACK_TOKEN}`,
  );
  whatsapp.setWebhookUrl(`${t.ctx.urls.internal}/api/v1/channels/whatsapp/webhook`);
  return {
    t,
    at,
    whatsapp,
    smtp,
    async close() {
      await t.close();
      await at.close();
      await whatsapp.close();
      await smtp.close();
    },
  };
}

/** Makes every waiting outbox event due now (as if its backoff or quiet hours had passed). */
export async function fastForwardOutbox(t: TestApp): Promise<void> {
  await t.ctx.db
    .update(outboxEvents)
    .set({ availableAt: sql`now()` })
    .where(and(isNull(outboxEvents.deliveredAt), isNull(outboxEvents.deadAt)));
}

export function deliveriesOf(t: TestApp, userId: string) {
  return t.ctx.db
    .select()
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.userId, userId))
    .orderBy(notificationDeliveries.createdAt);
}

export function notificationsOf(t: TestApp, userId: string) {
  return t.ctx.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(notifications.createdAt);
}
