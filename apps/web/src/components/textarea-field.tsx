import { type ReactNode, type TextareaHTMLAttributes, useId } from "react";

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
};

/** A labelled multi-line input with its hint and error, the same look as `TextField`. */
export function TextAreaField({
  label,
  hint,
  error,
  className = "",
  ...props
}: TextAreaFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`flex flex-col gap-1.5 ${className}`}>
      <label htmlFor={id} className="text-[15px] font-semibold text-stone-900">
        {label}
      </label>
      <textarea
        id={id}
        rows={3}
        className={`min-h-24 w-full rounded-xl border-2 bg-white px-3 py-2.5 text-base text-stone-900 placeholder:text-stone-500 focus:border-green-700 focus:ring-2 focus:ring-green-700/30 focus:outline-none ${
          error ? "border-red-700" : "border-stone-400"
        }`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...props}
      />
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
