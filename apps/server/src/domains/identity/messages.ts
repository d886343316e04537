import type { TLanguage } from "@cs/contracts";

/** SMS texts of the identity domain; each fits in one 160-character GSM segment. */
const TEXTS = {
  verify_phone: {
    en: "ConnectSphere: your verification code is {code}. It expires in 10 minutes. Never share it.",
    sn: "ConnectSphere: kodhi yako yekusimbisa ndeye {code}. Inopera mumaminitsi 10. Usaipe kune mumwe munhu.",
    nd: "ConnectSphere: ikhodi yakho yokuqinisekisa ngu {code}. Iphela emizuzwini eyi 10. Ungayiniki omunye umuntu.",
  },
  reset_password: {
    en: "ConnectSphere: your password reset code is {code}. It expires in 10 minutes. If you did not ask, ignore this.",
    sn: "ConnectSphere: kodhi yekushandura password yako ndeye {code}. Inopera mumaminitsi 10. Kana usina kukumbira, iregedze.",
    nd: "ConnectSphere: ikhodi yokuguqula iphasiwedi yakho ngu {code}. Iphela emizuzwini eyi 10. Nxa ungacelanga, yiyekele.",
  },
} as const;

export type OtpPurpose = keyof typeof TEXTS;

export function otpMessage(purpose: OtpPurpose, language: TLanguage, code: string): string {
  return TEXTS[purpose][language].replace("{code}", code);
}

/** For the test that every text fits one SMS segment in every language. */
export const OTP_TEXTS = TEXTS;
