/**
 * Zimbabwe phone numbers, normalised to E.164.
 *
 * Accepts the forms people actually type: `0771234567`, `771234567`, `263771234567`,
 * `+263 77 123 4567`, `+263-77-123-4567`. Mobile prefixes are 71 (NetOne), 73 (Telecel),
 * 77 and 78 (Econet); landlines are not accepted because codes and OTPs go by SMS.
 */
const MOBILE = /^7[1378]\d{7}$/;

/** Returns the E.164 form (`+2637XXXXXXXX`) or `null` when the input is not a Zimbabwe mobile. */
export function normalizeZimPhone(input: string): string | null {
  const compact = input.replace(/[\s\-().]/g, "");
  let national: string;
  if (compact.startsWith("+263")) {
    national = compact.slice(4);
  } else if (compact.startsWith("00263")) {
    national = compact.slice(5);
  } else if (compact.startsWith("263")) {
    national = compact.slice(3);
  } else if (compact.startsWith("0")) {
    national = compact.slice(1);
  } else {
    national = compact;
  }
  if (national.startsWith("0")) {
    national = national.slice(1);
  }
  return MOBILE.test(national) ? `+263${national}` : null;
}
