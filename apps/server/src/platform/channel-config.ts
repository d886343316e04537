import { z } from "zod";

const ZOptionalText = z.string().trim().min(1).optional();

/** The messaging channels' variables of the environment (merged into the app's one schema). */
export const ZChannelEnv = {
  /** Which driver sends each channel; `local` stores messages for `/dev/messages`. */
  SMS_DRIVER: z.enum(["local", "africastalking"]).default("local"),
  EMAIL_DRIVER: z.enum(["local", "smtp"]).default("local"),
  WHATSAPP_DRIVER: z.enum(["local", "cloud"]).default("local"),
  AT_USERNAME: ZOptionalText,
  AT_API_KEY: ZOptionalText,
  /** Live by default; the sandbox is `https://api.sandbox.africastalking.com`. */
  AT_BASE_URL: z.url().default("https://api.africastalking.com"),
  /** Sender id or short code; unset: Africa's Talking's default. */
  AT_SENDER_ID: ZOptionalText,
  /**
   * Africa's Talking signs nothing: the delivery-report URL set in its dashboard carries this
   * unguessable token, `/api/v1/channels/sms/delivery-reports/<token>`.
   */
  AT_CALLBACK_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  /** e.g. `smtps://user:password@mail.example.com:465` or `smtp://host:587`. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  SMTP_FROM: z.string().min(3).default("ConnectSphere <no-reply@connectsphere.app>"),
  WHATSAPP_TOKEN: ZOptionalText,
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{5,20}$/, "must be the numeric phone number id")
    .optional(),
  /** The Meta app secret: webhooks are signed with it (X-Hub-Signature-256). */
  WHATSAPP_APP_SECRET: ZOptionalText,
  /** What Meta's webhook verification (GET) must echo. */
  WHATSAPP_VERIFY_TOKEN: ZOptionalText,
  WHATSAPP_BASE_URL: z.url().default("https://graph.facebook.com"),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "must look like v21.0")
    .default("v21.0"),
  /** `template`: approved templates named `cs_<event>` (needed outside the 24-hour window). */
  WHATSAPP_MESSAGE_TYPE: z.enum(["text", "template"]).default("text"),
  CHANNEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};
const ZChannelEnvObject = z.object(ZChannelEnv);
type ChannelEnv = z.infer<typeof ZChannelEnvObject>;

export interface ChannelConfig {
  sms:
    | { driver: "local" }
    | {
        driver: "africastalking";
        username: string;
        apiKey: string;
        baseUrl: string;
        senderId: string | undefined;
        callbackToken: string;
      };
  email: { driver: "local"; from: string } | { driver: "smtp"; url: string; from: string };
  whatsapp:
    | { driver: "local"; appSecret: string | undefined; verifyToken: string | undefined }
    | {
        driver: "cloud";
        token: string;
        phoneNumberId: string;
        appSecret: string;
        verifyToken: string;
        baseUrl: string;
        apiVersion: string;
        messageType: "text" | "template";
      };
  /** The token of the SMS delivery-report URL, whichever driver (reports are refused without). */
  smsCallbackToken: string | undefined;
  timeoutMs: number;
}

/** Checks that each chosen driver has what it needs; returns the problems, named by variable. */
export function buildChannelConfig(env: ChannelEnv): { config: ChannelConfig; problems: string[] } {
  const problems: string[] = [];
  const need = (names: (keyof ChannelEnv)[], because: string) => {
    for (const name of names) {
      if (!env[name]) {
        problems.push(`${name}: required when ${because}`);
      }
    }
  };
  if (env.SMS_DRIVER === "africastalking") {
    need(["AT_USERNAME", "AT_API_KEY", "AT_CALLBACK_TOKEN"], "SMS_DRIVER=africastalking");
  }
  if (env.EMAIL_DRIVER === "smtp") {
    need(["SMTP_URL"], "EMAIL_DRIVER=smtp");
  }
  if (env.WHATSAPP_DRIVER === "cloud") {
    need(
      [
        "WHATSAPP_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
      ],
      "WHATSAPP_DRIVER=cloud",
    );
  }
  const text = (value: string | undefined) => value ?? "";
  return {
    problems,
    config: {
      sms:
        env.SMS_DRIVER === "africastalking"
          ? {
              driver: "africastalking",
              username: text(env.AT_USERNAME),
              apiKey: text(env.AT_API_KEY),
              baseUrl: env.AT_BASE_URL.replace(/\/+$/, ""),
              senderId: env.AT_SENDER_ID,
              callbackToken: text(env.AT_CALLBACK_TOKEN),
            }
          : { driver: "local" },
      email:
        env.EMAIL_DRIVER === "smtp"
          ? { driver: "smtp", url: text(env.SMTP_URL), from: env.SMTP_FROM }
          : { driver: "local", from: env.SMTP_FROM },
      whatsapp:
        env.WHATSAPP_DRIVER === "cloud"
          ? {
              driver: "cloud",
              token: text(env.WHATSAPP_TOKEN),
              phoneNumberId: text(env.WHATSAPP_PHONE_NUMBER_ID),
              appSecret: text(env.WHATSAPP_APP_SECRET),
              verifyToken: text(env.WHATSAPP_VERIFY_TOKEN),
              baseUrl: env.WHATSAPP_BASE_URL.replace(/\/+$/, ""),
              apiVersion: env.WHATSAPP_API_VERSION,
              messageType: env.WHATSAPP_MESSAGE_TYPE,
            }
          : {
              driver: "local",
              appSecret: env.WHATSAPP_APP_SECRET,
              verifyToken: env.WHATSAPP_VERIFY_TOKEN,
            },
      smsCallbackToken: env.AT_CALLBACK_TOKEN,
      timeoutMs: env.CHANNEL_TIMEOUT_MS,
    },
  };
}
