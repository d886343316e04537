import type { ReactNode } from "react";
import { CheckIcon } from "./icons.tsx";

type ChipProps = {
  selected: boolean;
  onToggle: () => void;
  children: ReactNode;
  testId?: string;
};

/** A toggle button for multi-select choices; `aria-pressed` tells its state. */
export function Chip({ selected, onToggle, children, testId }: ChipProps) {
  return (
    <button
      type="button"
      aria-pressed={selected}
      data-testid={testId}
      onClick={onToggle}
      className={`inline-flex min-h-12 items-center gap-1.5 rounded-full border-2 px-4 py-2 text-left text-[15px] font-semibold ${
        selected
          ? "border-green-700 bg-green-700 text-white"
          : "border-stone-400 bg-white text-stone-900 hover:border-green-700"
      }`}
    >
      {selected ? <CheckIcon className="size-4 shrink-0" /> : null}
      <span>{children}</span>
    </button>
  );
}

type FieldsetProps = {
  legend: string;
  hint?: string;
  error?: string | undefined;
  children: ReactNode;
};

/** Groups chips (or other controls) under one legend, with its error below. */
export function ChoiceGroup({ legend, hint, error, children }: FieldsetProps) {
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-[15px] font-semibold text-stone-900">{legend}</legend>
      {hint ? <p className="-mt-1 text-sm text-stone-700">{hint}</p> : null}
      <div className="flex flex-wrap gap-2">{children}</div>
      {error ? (
        <p className="text-sm font-semibold text-red-800" role="alert" data-field-error>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

type RadioChipProps = {
  name: string;
  value: string;
  checked: boolean;
  onChange: (value: string) => void;
  children: ReactNode;
  testId?: string;
};

/** A single choice shown as a chip: a real radio input underneath, for keyboards and readers. */
export function RadioChip({ name, value, checked, onChange, children, testId }: RadioChipProps) {
  return (
    <label
      data-testid={testId}
      className={`inline-flex min-h-12 cursor-pointer items-center gap-1.5 rounded-full border-2 px-4 py-2 text-[15px] font-semibold has-focus-visible:outline-3 has-focus-visible:outline-offset-2 has-focus-visible:outline-amber-500 ${
        checked
          ? "border-green-700 bg-green-700 text-white"
          : "border-stone-400 bg-white text-stone-900 hover:border-green-700"
      }`}
    >
      <input
        type="radio"
        className="sr-only"
        name={name}
        value={value}
        checked={checked}
        onChange={() => onChange(value)}
      />
      {checked ? <CheckIcon className="size-4 shrink-0" /> : null}
      <span>{children}</span>
    </label>
  );
}
