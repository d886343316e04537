import { LANGUAGES, NOTIFICATION_KINDS } from "@cs/contracts";
import { describe, expect, it } from "vitest";
import { renderMessage, smsSegments, TEXTS } from "./templates.ts";

/** Worst-case values: the longest codes and amounts, and free text that must be cut to fit. */
const WORST = {
  group: "KX7WQP",
  product: "Cooking oil 20 L drum, sunflower, refined",
  qty: "10000",
  unit: "20 kg bag of white sugar (Hippo)",
  amount: "USD 12,345.00",
  price: "USD 1,234.50",
  hours: "720",
  needed: "10000",
  point: "Mbare Musika Bus Terminus rank 3, stall 45",
  code: "12345678",
  date: "30 Sept",
  reason: "goods damaged on arrival, boxes wet",
  ref: "0f3c9a1b",
  count: "999",
};

describe("notification SMS texts", () => {
  for (const kind of NOTIFICATION_KINDS) {
    for (const language of LANGUAGES) {
      it(`${kind} in ${language} fits one GSM-7 segment with worst-case values`, () => {
        const { body } = renderMessage(kind, language, "sms", WORST);
        const measured = smsSegments(body);
        expect(body).not.toMatch(/\{\w+\}/);
        expect(measured.encoding, body).toBe("gsm7");
        expect(measured.units, body).toBeLessThanOrEqual(160);
        expect(measured.segments).toBe(1);
      });
    }
  }

  it("is really translated", () => {
    for (const kind of NOTIFICATION_KINDS) {
      const { text } = TEXTS[kind];
      expect(text.sn).not.toBe(text.en);
      expect(text.nd).not.toBe(text.sn);
    }
  });

  it("counts the GSM extension set twice and falls back to UCS-2 at 70", () => {
    expect(smsSegments("a".repeat(160))).toEqual({ encoding: "gsm7", units: 160, segments: 1 });
    expect(smsSegments("[".repeat(80)).units).toBe(160);
    expect(smsSegments("a".repeat(161)).segments).toBe(2);
    expect(smsSegments(`${"a".repeat(70)}`).segments).toBe(1);
    expect(smsSegments(`ŵ${"a".repeat(69)}`)).toEqual({ encoding: "ucs2", units: 70, segments: 1 });
    expect(smsSegments(`ŵ${"a".repeat(70)}`).segments).toBe(2);
  });

  it("keeps the template values in order for WhatsApp templates", () => {
    const message = renderMessage("ready_for_pickup", "en", "whatsapp", WORST);
    expect(message.params).toEqual([WORST.group, WORST.point, WORST.code, WORST.date]);
  });
});
