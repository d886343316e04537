import { useTranslation } from "react-i18next";
import { Link, Outlet } from "react-router";
import { LogoMark } from "./icons.tsx";
import { LanguageSwitcher } from "./language-switcher.tsx";

/** Header with brand and language switcher on every screen, then the route. */
export function AppShell() {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="bg-green-800 text-white">
        <div className="mx-auto flex max-w-xl items-center justify-between gap-2 px-3 py-2">
          <Link
            to="/"
            className="flex min-h-11 min-w-0 items-center gap-1.5 rounded-lg text-base font-bold tracking-tight"
            aria-label={t("app.home")}
          >
            <LogoMark className="size-8 shrink-0" />
            <span className="truncate">{t("app.name")}</span>
          </Link>
          <LanguageSwitcher />
        </div>
      </header>
      <main className="mx-auto flex w-full max-w-xl flex-1 flex-col">
        <Outlet />
      </main>
    </div>
  );
}
