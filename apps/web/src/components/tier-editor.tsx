import { MAX_PRODUCT_TIERS, type TProductTier } from "@cs/contracts";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { RowError } from "../lib/errors.ts";
import { centsToPriceInput, dollarsToCents } from "../lib/money.ts";
import { PlusIcon, TrashIcon } from "./icons.tsx";

/** One step of the ladder as typed: units and a price in dollars (or ZiG), both text. */
export type TierRow = { key: number; minQty: string; price: string };

let nextKey = 1;

export function newTierRow(minQty = "", price = ""): TierRow {
  nextKey += 1;
  return { key: nextKey, minQty, price };
}

/** A saved ladder as editable rows; a ladder always has its first step at 1 unit. */
export function tiersToRows(tiers: readonly TProductTier[]): TierRow[] {
  const rows = [...tiers]
    .sort((a, b) => a.minQty - b.minQty)
    .map((tier) => newTierRow(String(tier.minQty), centsToPriceInput(tier.unitPrice)));
  return rows.length > 0 ? rows : [newTierRow("1")];
}

/**
 * The rows as the API wants them (integer units, integer cents). A row that is not a number gets
 * `0`, which the contract schema then reports on that row. An empty first price takes
 * `fallbackPrice` (the product's unit price), so the common ladder needs no typing twice.
 */
export function rowsToTiers(
  rows: readonly TierRow[],
  fallbackPrice?: number | null,
): TProductTier[] {
  return rows.map((row, index) => {
    const units = row.minQty.trim();
    const price = row.price.trim();
    return {
      minQty: index === 0 ? 1 : /^\d{1,7}$/.test(units) ? Number(units) : 0,
      unitPrice:
        index === 0 && price === "" && fallbackPrice ? fallbackPrice : (dollarsToCents(price) ?? 0),
    };
  });
}

/** Translation keys of a ladder row's fields, for `rowErrors`. */
export const TIER_MESSAGES: Record<string, string> = {
  minQty: "manage.errors.tierQty",
  unitPrice: "manage.errors.tierPrice",
};

/** Rows whose text is not a number, found before the ladder's order is checked. */
export function unreadableTiers(
  t: (key: string) => string,
  rows: readonly TierRow[],
  fallbackPrice: number | null,
): Record<number, RowError> {
  const found: Record<number, RowError> = {};
  rows.forEach((row, index) => {
    if (index > 0 && !/^\d{1,7}$/.test(row.minQty.trim())) {
      found[index] = { field: "minQty", message: t("manage.errors.tierQty") };
    } else if (
      dollarsToCents(row.price) === null &&
      !(index === 0 && row.price.trim() === "" && fallbackPrice)
    ) {
      found[index] = { field: "unitPrice", message: t("manage.errors.price") };
    }
  });
  return found;
}

type TierEditorProps = {
  legend: string;
  hint?: string;
  rows: TierRow[];
  onChange: (rows: TierRow[]) => void;
  /** The price prefix: "$" for US dollars, nothing for ZiG (the legend says the currency). */
  leading?: string | undefined;
  /** Shown in the first price while it is empty (the unit price it will take). */
  firstPricePlaceholder?: string | undefined;
  /** An error for the whole ladder, and errors by row index. */
  error?: string | undefined;
  rowErrors?: Record<number, RowError>;
};

/**
 * The price ladder as rows of "from N units → price each": add and remove steps; the first step
 * always starts at 1 unit. Used by the product form and the new group form.
 */
export function TierEditor({
  legend,
  hint,
  rows,
  onChange,
  leading,
  firstPricePlaceholder,
  error,
  rowErrors = {},
}: TierEditorProps) {
  const { t } = useTranslation();
  const id = useId();
  const update = (key: number, change: Partial<TierRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const input =
    "min-h-12 w-full rounded-xl border-2 bg-white px-3 py-2.5 text-base text-stone-900 placeholder:text-stone-500 focus:border-green-700 focus:ring-2 focus:ring-green-700/30 focus:outline-none read-only:bg-stone-100 read-only:text-stone-700";
  return (
    <fieldset className="flex min-w-0 flex-col gap-2" data-testid="tier-editor">
      <legend className="mb-1 text-[15px] font-semibold text-stone-900">{legend}</legend>
      {hint ? <p className="-mt-1 text-sm text-stone-700">{hint}</p> : null}
      <div className="grid grid-cols-[1fr_1fr_3rem] gap-x-2 text-sm font-semibold text-stone-700">
        <span id={`${id}-qty`}>{t("manage.tiers.from")}</span>
        <span id={`${id}-price`}>{t("manage.tiers.price")}</span>
      </div>
      <ol className="flex flex-col gap-2">
        {rows.map((row, index) => {
          const rowError = rowErrors[index];
          const qtyBad = rowError !== undefined && rowError.field !== "unitPrice";
          const priceBad = rowError !== undefined && rowError.field !== "minQty";
          const step = index + 1;
          return (
            <li key={row.key} className="flex flex-col gap-1" data-testid="tier-row">
              <div className="grid grid-cols-[1fr_1fr_3rem] items-center gap-x-2">
                <input
                  className={`${input} ${qtyBad ? "border-red-700" : "border-stone-400"}`}
                  inputMode="numeric"
                  pattern="[0-9]*"
                  name={`tier-${step}-qty`}
                  aria-label={`${t("manage.tiers.step", { step })}: ${t("manage.tiers.from")}`}
                  aria-describedby={`${id}-qty`}
                  aria-invalid={qtyBad || undefined}
                  value={index === 0 ? "1" : row.minQty}
                  readOnly={index === 0}
                  onChange={(event) =>
                    update(row.key, { minQty: event.target.value.replace(/\D/g, "").slice(0, 7) })
                  }
                />
                <div className="relative">
                  {leading ? (
                    <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-base font-semibold text-stone-700">
                      {leading}
                    </span>
                  ) : null}
                  <input
                    className={`${input} ${leading ? "pl-7" : ""} ${priceBad ? "border-red-700" : "border-stone-400"}`}
                    inputMode="decimal"
                    name={`tier-${step}-price`}
                    aria-label={`${t("manage.tiers.step", { step })}: ${t("manage.tiers.price")}`}
                    aria-describedby={`${id}-price`}
                    aria-invalid={priceBad || undefined}
                    placeholder={index === 0 ? firstPricePlaceholder : undefined}
                    value={row.price}
                    onChange={(event) => update(row.key, { price: event.target.value })}
                  />
                </div>
                {index === 0 ? (
                  <span />
                ) : (
                  <button
                    type="button"
                    className="flex size-12 items-center justify-center rounded-xl border-2 border-stone-300 bg-white text-red-800 hover:border-red-700"
                    aria-label={t("manage.tiers.remove", { step })}
                    data-testid="tier-remove"
                    onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                  >
                    <TrashIcon className="size-5" />
                  </button>
                )}
              </div>
              {rowError ? (
                <p className="text-sm font-semibold text-red-800" data-field-error>
                  {rowError.message}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {rows.length < MAX_PRODUCT_TIERS ? (
        <button
          type="button"
          className="inline-flex min-h-11 items-center gap-1.5 self-start rounded-lg px-1 font-semibold text-green-800 underline underline-offset-4"
          data-testid="tier-add"
          onClick={() => onChange([...rows, newTierRow()])}
        >
          <PlusIcon className="size-5" />
          {t("manage.tiers.add")}
        </button>
      ) : null}
      {error ? (
        <p className="text-sm font-semibold text-red-800" role="alert" data-field-error>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
