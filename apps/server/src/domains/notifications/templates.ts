import type { TChannel, TLanguage, TNotificationKind } from "@cs/contracts";
import { BUSINESS_TEXTS } from "./texts-business.ts";
import { TRADER_TEXTS } from "./texts-traders.ts";

export const TEXTS: Record<
  TNotificationKind,
  { title: Record<TLanguage, string>; text: Record<TLanguage, string> }
> = { ...TRADER_TEXTS, ...BUSINESS_TEXTS };

export type Params = Record<string, string>;

export interface RenderedMessage {
  /** The in-app title and the email subject. */
  subject: string;
  body: string;
  /** The values in the order they appear, for a provider's template (WhatsApp). */
  params: string[];
}

/** Free-text values are cut to these lengths in SMS, so that every text fits one segment. */
const SMS_CLIP: Params = { product: "20", unit: "20", point: "21", reason: "18" };

function clipForSms(params: Params): Params {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      const max = SMS_CLIP[name] ? Number(SMS_CLIP[name]) : 0;
      return [name, max && value.length > max ? value.slice(0, max).trimEnd() : value];
    }),
  );
}

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The message of one event for one channel, in the recipient's language. */
export function renderMessage(
  kind: TNotificationKind,
  language: TLanguage,
  channel: TChannel,
  params: Params,
): RenderedMessage {
  const texts = TEXTS[kind];
  const values = channel === "sms" ? clipForSms(params) : params;
  const body = fill(texts.text[language], values);
  const names = [...texts.text[language].matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  // In the app and in an email the brand is around the text already: drop it, start a sentence.
  const bare = body.replace(/^ConnectSphere: (.)/, (_m, first: string) => first.toUpperCase());
  return {
    subject: fill(texts.title[language], params),
    body: channel === "email" ? `${bare}\n\n— ConnectSphere` : channel === "in_app" ? bare : body,
    params: [...new Set(names)].map((name) => values[name] ?? ""),
  };
}

// GSM 03.38: the basic set counts one septet, the extension set two (escape + char).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

/**
 * How an SMS is encoded and how many segments it takes: GSM-7 fits 160 septets in one segment
 * (153 each when split); anything outside GSM-7 goes as UCS-2, 70 characters (67 when split).
 */
export function smsSegments(text: string): {
  encoding: "gsm7" | "ucs2";
  units: number;
  segments: number;
} {
  let septets = 0;
  for (const char of text) {
    if (GSM_BASIC.includes(char)) {
      septets += 1;
    } else if (GSM_EXTENDED.includes(char)) {
      septets += 2;
    } else {
      const units = [...text].reduce(
        (n, c) => n + ((c.codePointAt(0) as number) > 0xffff ? 2 : 1),
        0,
      );
      return { encoding: "ucs2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return {
    encoding: "gsm7",
    units: septets,
    segments: septets <= 160 ? 1 : Math.ceil(septets / 153),
  };
}
