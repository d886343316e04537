import { useSyncExternalStore } from "react";

// How far the server's clock is ahead of this phone's. Cheap phones are often minutes off, so
// countdowns use the server's time (`serverTime` in every group answer) rather than the phone's.
let offsetMs = 0;

/** Remembers the server's clock from a `serverTime` just received. */
export function noteServerTime(serverTime: string): void {
  const server = Date.parse(serverTime);
  if (Number.isFinite(server)) {
    offsetMs = server - Date.now();
  }
}

/** The server's "now", in milliseconds since the epoch. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

// One shared ticker for every countdown on the page, running only while one is shown.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let tick = serverNow();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    tick = serverNow();
    timer = setInterval(() => {
      tick = serverNow();
      for (const notify of listeners) {
        notify();
      }
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The server's time, re-rendering the caller every second. */
export function useServerNow(): number {
  return useSyncExternalStore(subscribe, () => tick);
}

/** Milliseconds split into whole days, hours, minutes and seconds (never negative). */
export function splitDuration(ms: number) {
  const total = Math.max(0, Math.floor(ms / 1_000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
    seconds: total % 60,
  };
}

/**
 * A date and time in Harare: "Wed, 25 Nov, 13:35" in English. Browsers carry no Shona or Ndebele
 * month names (they fall back to English ones, month first), so those get the numeric,
 * day-first "25/11, 13:35" that every trader reads the same way.
 */
export function formatHarareTime(iso: string, language: string): string {
  const english = language === "en";
  const options: Intl.DateTimeFormatOptions = {
    ...(english ? { weekday: "short", month: "short" } : { month: "numeric" }),
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "Africa/Harare",
  };
  return new Intl.DateTimeFormat("en-ZW", options).format(new Date(iso));
}
