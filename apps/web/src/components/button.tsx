import type { ButtonHTMLAttributes } from "react";
import { SpinnerIcon } from "./icons.tsx";

export type ButtonVariant =
  | "primary"
  | "secondary"
  | "accent"
  | "ghost"
  | "danger"
  | "dangerOutline";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-green-700 text-white hover:bg-green-800 active:bg-green-900",
  secondary:
    "border-2 border-green-700 bg-white text-green-800 hover:bg-green-50 active:bg-green-100",
  accent: "bg-amber-400 text-stone-900 hover:bg-amber-300 active:bg-amber-500",
  ghost: "text-green-800 underline-offset-4 hover:underline",
  danger: "bg-red-700 text-white hover:bg-red-800 active:bg-red-900",
  dangerOutline: "border-2 border-red-700 bg-white text-red-800 hover:bg-red-50 active:bg-red-100",
};

/** Shared look of buttons and button-like links: at least 48 px tall for thumbs. */
export function buttonClass(variant: ButtonVariant = "primary", extra = ""): string {
  return `inline-flex min-h-12 items-center justify-center gap-2 rounded-xl px-5 py-3 text-base font-semibold transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${VARIANTS[variant]} ${extra}`;
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  busy?: boolean;
};

export function Button({
  variant = "primary",
  busy = false,
  className = "",
  children,
  disabled,
  type = "button",
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClass(variant, className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...props}
    >
      {busy ? <SpinnerIcon className="size-5 animate-spin" /> : null}
      {children}
    </button>
  );
}
