import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";

/** Kept here rather than imported from @cs/contracts so the landing bundle stays free of zod. */
export const UI_LANGUAGES = ["en", "sn", "nd"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** Each language named in itself, so a speaker recognises it whatever the current language. */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = {
  en: "English",
  sn: "chiShona",
  nd: "isiNdebele",
};

const STORAGE_KEY = "cs.language";

// English ships in the main bundle; the others are fetched only when chosen.
const loaders: Record<Exclude<UiLanguage, "en">, () => Promise<{ default: typeof en }>> = {
  sn: () => import("./sn.json"),
  nd: () => import("./nd.json"),
};

type StaffTexts = typeof import("./staff/en.json");

/**
 * Texts of the staff areas (Manage, Pickup): a third of the strings, needed by suppliers, agents
 * and admins only, so the trader's first load does without them.
 */
const staffLoaders: Record<UiLanguage, () => Promise<{ default: StaffTexts }>> = {
  en: () => import("./staff/en.json"),
  sn: () => import("./staff/sn.json"),
  nd: () => import("./staff/nd.json"),
};
let staffWanted = false;
const staffLoaded = new Set<UiLanguage>();

async function ensureStaffLoaded(language: UiLanguage): Promise<void> {
  if (!staffWanted || staffLoaded.has(language)) {
    return;
  }
  const bundle = await staffLoaders[language]();
  i18next.addResourceBundle(language, "translation", bundle.default, true, true);
  staffLoaded.add(language);
}

/**
 * Loads the staff areas' texts in English (the fallback) and the current language, and from now
 * on with every language switched to. Screens re-render when they arrive.
 */
export async function loadStaffTexts(): Promise<void> {
  staffWanted = true;
  await initI18n();
  await Promise.all([ensureStaffLoaded("en"), ensureStaffLoaded(currentLanguage())]);
}

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === "string" && (UI_LANGUAGES as readonly string[]).includes(value);
}

/** The language the user picked on this device, if any. */
export function storedLanguage(): UiLanguage | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isUiLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export function currentLanguage(): UiLanguage {
  return isUiLanguage(i18next.language) ? i18next.language : "en";
}

async function ensureLoaded(language: UiLanguage): Promise<void> {
  if (language === "en" || i18next.hasResourceBundle(language, "translation")) {
    return;
  }
  const bundle = await loaders[language]();
  i18next.addResourceBundle(language, "translation", bundle.default, true, true);
}

/** Loads the language if needed, switches the UI to it and, unless told not to, remembers it. */
export async function setLanguage(language: UiLanguage, persist = true): Promise<void> {
  await ensureLoaded(language);
  await ensureStaffLoaded(language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Private mode or storage full: the choice lasts for this visit only.
    }
  }
}

let initialising: Promise<void> | null = null;

/**
 * Starts i18next with the remembered language (English when none). Idempotent: every caller gets
 * the same promise, so code that switches language can wait for it.
 */
export function initI18n(): Promise<void> {
  initialising ??= startI18n();
  return initialising;
}

async function startI18n(): Promise<void> {
  const language = storedLanguage() ?? "en";
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: "en",
    fallbackLng: "en",
    partialBundledLanguages: true,
    interpolation: { escapeValue: false },
    returnNull: false,
    // Re-render when a bundle arrives (the staff areas' texts load after the first paint).
    react: { useSuspense: false, bindI18nStore: "added" },
  });
  if (language !== "en") {
    try {
      await setLanguage(language, false);
    } catch {
      // The language chunk could not load (offline, first visit): stay in English.
    }
  }
}

export { i18next as i18n };
