import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { MinusIcon, PlusIcon } from "./icons.tsx";

type QuantityStepperProps = {
  label: string;
  hint?: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
};

/** − [ n ] + with big thumb targets; typing a number works too and is kept within min..max. */
export function QuantityStepper({ label, hint, value, min, max, onChange }: QuantityStepperProps) {
  const { t } = useTranslation();
  const id = useId();
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  // What is typed may pass through out-of-range numbers ("1" on the way to "12"): keep the text,
  // and settle it within range when the field is left.
  const [draft, setDraft] = useState(String(value));
  useEffect(() => {
    setDraft(String(value));
  }, [value]);
  const step =
    "flex size-12 shrink-0 items-center justify-center rounded-xl border-2 border-green-700 bg-white text-green-800 disabled:border-stone-300 disabled:text-stone-400";
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-[15px] font-semibold text-stone-900">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <button
          type="button"
          className={step}
          aria-label={t("groups.join.less")}
          data-testid="quantity-less"
          disabled={value <= min}
          onClick={() => onChange(clamp(value - 1))}
        >
          <MinusIcon className="size-6" />
        </button>
        <input
          id={id}
          name="quantity"
          inputMode="numeric"
          pattern="[0-9]*"
          className="min-h-12 w-20 rounded-xl border-2 border-stone-400 bg-white px-2 text-center text-xl font-bold text-stone-900 focus:border-green-700 focus:outline-none"
          value={draft}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(event) => {
            const digits = event.target.value.replace(/\D/g, "").slice(0, 6);
            setDraft(digits);
            const typed = Number(digits);
            if (digits && typed >= min && typed <= max) {
              onChange(typed);
            }
          }}
          onBlur={() => {
            const settled = draft ? clamp(Number(draft)) : value;
            setDraft(String(settled));
            onChange(settled);
          }}
        />
        <button
          type="button"
          className={step}
          aria-label={t("groups.join.more")}
          data-testid="quantity-more"
          disabled={value >= max}
          onClick={() => onChange(clamp(value + 1))}
        >
          <PlusIcon className="size-6" />
        </button>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
