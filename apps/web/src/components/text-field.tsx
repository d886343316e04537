import { type InputHTMLAttributes, type ReactNode, useId } from "react";

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** Something placed at the right end of the input, such as a show-password button. */
  trailing?: ReactNode;
  /** A short prefix shown inside the input, such as a currency symbol. */
  leading?: string;
};

/** A labelled input with its hint and its error beside it, wired for screen readers. */
export function TextField({
  label,
  hint,
  error,
  trailing,
  leading,
  className = "",
  ...props
}: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`flex flex-col gap-1.5 ${className}`}>
      <label htmlFor={id} className="text-[15px] font-semibold text-stone-900">
        {label}
      </label>
      <div className="relative">
        {leading ? (
          <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-base font-semibold text-stone-700">
            {leading}
          </span>
        ) : null}
        <input
          id={id}
          className={`min-h-12 w-full rounded-xl border-2 bg-white px-3 py-2.5 text-base text-stone-900 placeholder:text-stone-500 focus:border-green-700 focus:outline-none focus:ring-2 focus:ring-green-700/30 ${
            error ? "border-red-700" : "border-stone-400"
          } ${trailing ? "pr-24" : ""} ${leading ? "pl-7" : ""}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          {...props}
        />
        {trailing ? (
          <div className="absolute inset-y-0 right-1 flex items-center">{trailing}</div>
        ) : null}
      </div>
      {hint ? (
        <div id={hintId} className="text-sm text-stone-700">
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="text-sm font-semibold text-red-800" data-field-error>
          {error}
        </p>
      ) : null}
    </div>
  );
}
