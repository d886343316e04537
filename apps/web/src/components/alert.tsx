import type { ReactNode } from "react";
import { AlertIcon, CheckIcon } from "./icons.tsx";

type AlertProps = { tone?: "error" | "success" | "info"; children: ReactNode };

const TONES = {
  error: "border-red-700 bg-red-50 text-red-900",
  success: "border-green-700 bg-green-50 text-green-900",
  info: "border-amber-500 bg-amber-100 text-stone-900",
} as const;

export function Alert({ tone = "error", children }: AlertProps) {
  const Icon = tone === "success" ? CheckIcon : AlertIcon;
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={`flex items-start gap-2 rounded-xl border-l-4 px-3 py-3 text-[15px] ${TONES[tone]}`}
    >
      <Icon className="mt-0.5 size-5 shrink-0" />
      <div>{children}</div>
    </div>
  );
}
