import { type ReactNode, type SelectHTMLAttributes, useId } from "react";
import { ChevronDownIcon } from "./icons.tsx";

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: string;
  error?: string | undefined;
  /** The choices, after the empty one (if any); or `children` for anything else. */
  options?: readonly { value: string; label: string }[] | undefined;
  /** A first, empty choice: a prompt that cannot be picked back, or an "all" that can. */
  empty?: { label: string; selectable?: boolean } | undefined;
  children?: ReactNode;
};

export function SelectField({
  label,
  error,
  options,
  empty,
  children,
  ...props
}: SelectFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-[15px] font-semibold text-stone-900">
        {label}
      </label>
      <div className="relative">
        <select
          id={id}
          className={`min-h-12 w-full appearance-none rounded-xl border-2 bg-white py-2.5 pr-10 pl-3 text-base text-stone-900 focus:border-green-700 focus:outline-none focus:ring-2 focus:ring-green-700/30 ${
            error ? "border-red-700" : "border-stone-400"
          }`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          {...props}
        >
          {empty ? (
            <option value="" disabled={!empty.selectable}>
              {empty.label}
            </option>
          ) : null}
          {options?.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          {children}
        </select>
        <ChevronDownIcon className="pointer-events-none absolute top-1/2 right-3 size-5 -translate-y-1/2 text-stone-700" />
      </div>
      {error ? (
        <p id={errorId} className="text-sm font-semibold text-red-800" data-field-error>
          {error}
        </p>
      ) : null}
    </div>
  );
}
