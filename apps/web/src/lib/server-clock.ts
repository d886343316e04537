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

/** Harare keeps Central Africa Time all year (no daylight saving). */
const HARARE_OFFSET = "+02:00";
const HARARE_OFFSET_MS = 2 * 60 * 60 * 1000;

/** The Harare calendar date `days` after the instant `ms`, as a date input wants it (`2026-11-26`). */
export function harareDateInput(ms: number, days = 0): string {
  return new Date(ms + HARARE_OFFSET_MS + days * 86_400_000).toISOString().slice(0, 10);
}

/** A date and time typed in Harare (`2026-11-26`, `18:00`) as ISO 8601 with its offset, or null. */
export function harareLocalToIso(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) {
    return null;
  }
  const iso = `${date}T${time}:00${HARARE_OFFSET}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
