/** How a currency is named beside an amount typed in a form. */
export const CURRENCY_LABELS: Record<"USD" | "ZWG", string> = { USD: "US$", ZWG: "ZiG" };

/** Parses what a trader types as dollars ("20", "150.5", "1,200.00") into integer cents. */
export function dollarsToCents(input: string): number | null {
  const compact = input.replace(/[\s,$]/g, "");
  if (!/^\d{1,7}(\.\d{0,2})?$/.test(compact)) {
    return null;
  }
  const [whole = "0", fraction = ""] = compact.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Cents back to the plain dollar text shown in an input ("150.5" style, no symbol). */
export function centsToDollarInput(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = cents % 100;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(2, "0")}`;
}

/** Cents as a price typed in a form, always with cents: 2300 → "23.00". */
export function centsToPriceInput(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * Formats cents for display, e.g. `$1,250.00`, in the UI language's conventions. ZWG is shown as
 * "ZiG", the name traders use (Intl only knows the ISO code).
 */
export function formatMoney(cents: number, currency: string, language: string): string {
  const locale = language === "en" ? "en-ZW" : `${language}-ZW`;
  if (currency === "ZWG") {
    const amount = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(cents / 100);
    return `ZiG ${amount}`;
  }
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
    }).format(cents / 100);
  } catch {
    return `${currency} ${(cents / 100).toFixed(2)}`;
  }
}

/** A decimal rate string from the API with at least two decimals: "27.1" → "27.10". */
export function formatRate(rate: string): string {
  const [whole = "0", fraction = ""] = rate.split(".");
  return `${whole}.${fraction.padEnd(2, "0")}`;
}
