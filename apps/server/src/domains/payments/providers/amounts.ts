/**
 * Provider amounts are decimal major units (Paynow: the string "12.50"; Flutterwave: the JSON
 * number 12.5); ours are integer minor units. Converted as text, never through float arithmetic.
 */

/** 1234 → "12.34". */
export function toMajorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new RangeError(`not an amount in minor units: ${minor}`);
  }
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

/** "12.5", 12.5, "1,082.00" → minor units; null when it is not an amount of at most 2 decimals. */
export function fromMajorUnits(value: string | number | undefined | null): number | null {
  const text = typeof value === "number" ? String(value) : (value ?? "");
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.replaceAll(",", "").trim());
  if (!match) {
    return null;
  }
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}
