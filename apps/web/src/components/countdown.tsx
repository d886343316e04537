import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { splitDuration, useServerNow } from "../lib/server-clock.ts";
import { ClockIcon } from "./icons.tsx";

/** A duration as traders read it: days and hours, hours and minutes, or minutes and seconds. */
export function formatDuration(t: TFunction, ms: number): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  if (days > 0) {
    return t("time.daysHours", { days, hours });
  }
  if (hours > 0) {
    return t("time.hoursMinutes", { hours, minutes });
  }
  return t("time.minutesSeconds", { minutes, seconds });
}

type CountdownProps = {
  deadline: string;
  /** Only an open group counts down; a closed one just says so. */
  open: boolean;
  className?: string;
};

/** "Ends in 4 h 12 min", ticking on the server's clock (the phone's may be wrong). */
export function Countdown({ deadline, open, className = "" }: CountdownProps) {
  const { t } = useTranslation();
  const now = useServerNow();
  const left = Date.parse(deadline) - now;
  let text: string;
  if (!open) {
    text = t("groups.closed");
  } else if (left <= 0) {
    text = t("groups.closing");
  } else {
    text = t("groups.endsIn", { time: formatDuration(t, left) });
  }
  const urgent = open && left > 0 && left < 60 * 60 * 1000;
  return (
    <span
      className={`inline-flex items-center gap-1.5 font-semibold ${urgent ? "text-red-800" : "text-stone-800"} ${className}`}
      data-testid="countdown"
    >
      <ClockIcon className="size-5 shrink-0" />
      <span>{text}</span>
    </span>
  );
}
