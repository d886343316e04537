import { LANGUAGES } from "@cs/contracts";
import { describe, expect, it } from "vitest";
import { OTP_TEXTS, type OtpPurpose, otpMessage } from "./messages.ts";

// The GSM 03.38 basic alphabet: a message in it fits 160 characters in one SMS segment.
const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà]*$/;

describe("identity SMS texts", () => {
  for (const purpose of Object.keys(OTP_TEXTS) as OtpPurpose[]) {
    for (const language of LANGUAGES) {
      it(`${purpose} in ${language} fits one GSM segment`, () => {
        const text = otpMessage(purpose, language, "123456");
        expect(text).toMatch(GSM);
        expect(text.length).toBeLessThanOrEqual(160);
        expect(text).toContain("123456");
      });
    }
  }

  it("is really translated", () => {
    expect(otpMessage("verify_phone", "sn", "1")).not.toBe(otpMessage("verify_phone", "en", "1"));
    expect(otpMessage("verify_phone", "nd", "1")).not.toBe(otpMessage("verify_phone", "sn", "1"));
  });
});
