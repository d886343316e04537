import { useTranslation } from "react-i18next";
import { isUiLanguage, LANGUAGE_NAMES, setLanguage, UI_LANGUAGES } from "../i18n/index.ts";
import { ChevronDownIcon, GlobeIcon } from "./icons.tsx";

/** A native select: on Android it opens the system picker, the easiest control to hit. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const value = isUiLanguage(i18n.language) ? i18n.language : "en";
  return (
    <label className="relative flex min-h-11 shrink-0 items-center rounded-xl bg-green-900/60 text-white ring-1 ring-white/30 focus-within:ring-2 focus-within:ring-amber-400">
      <span className="sr-only">{t("language.label")}</span>
      <GlobeIcon className="pointer-events-none absolute left-1.5 size-5" />
      <select
        data-testid="language-switcher"
        className="field-sizing-content min-h-11 appearance-none bg-transparent py-2 pr-6 pl-7 text-[15px] font-semibold text-white outline-none"
        value={value}
        onChange={(event) => {
          const next = event.target.value;
          if (isUiLanguage(next)) {
            void setLanguage(next);
          }
        }}
      >
        {UI_LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language} className="text-stone-900">
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
      <ChevronDownIcon className="pointer-events-none absolute right-1.5 size-4" />
    </label>
  );
}
