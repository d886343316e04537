import type { ComponentType, SVGProps } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { buttonClass } from "../components/button.tsx";
import { QrIcon, ShieldIcon, TrendDownIcon, UsersIcon } from "../components/icons.tsx";
import { canManage } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";

type Step = {
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  body: string;
};

/** `/`: what ConnectSphere does for a trader, and the way in. Kept in the main bundle, so lean. */
export function LandingRoute() {
  const { t } = useTranslation();
  const signedIn = useSession((s) => s.status === "authenticated");
  const manager = useSession((s) => canManage(s.user));
  const steps: Step[] = [
    { icon: UsersIcon, title: t("landing.step1Title"), body: t("landing.step1Body") },
    { icon: ShieldIcon, title: t("landing.step2Title"), body: t("landing.step2Body") },
    { icon: TrendDownIcon, title: t("landing.step3Title"), body: t("landing.step3Body") },
    { icon: QrIcon, title: t("landing.step4Title"), body: t("landing.step4Body") },
  ];
  return (
    <div className="flex flex-col">
      <section className="bg-green-800 px-4 pt-6 pb-8 text-white">
        <p className="text-sm font-semibold tracking-wide text-amber-300 uppercase">
          {t("app.tagline")}
        </p>
        <h1 className="mt-2 text-[32px] leading-tight font-extrabold">{t("landing.heroTitle")}</h1>
        <p className="mt-3 text-lg leading-snug text-green-50">{t("landing.heroBody")}</p>
        <div className="mt-6 flex flex-col gap-3">
          {signedIn ? (
            <Link
              to={manager ? "/manage" : "/dashboard"}
              className={buttonClass("accent", "w-full text-lg")}
            >
              {manager ? t("landing.ctaManage") : t("landing.ctaDashboard")}
            </Link>
          ) : (
            <>
              <Link
                to="/register"
                className={buttonClass("accent", "w-full text-lg")}
                data-testid="cta-register"
              >
                {t("landing.ctaRegister")}
              </Link>
              <Link
                to="/login"
                className={buttonClass(
                  "ghost",
                  "w-full border-2 border-white/70 text-white no-underline hover:bg-white/10",
                )}
                data-testid="cta-login"
              >
                {t("landing.ctaLogin")}
              </Link>
            </>
          )}
        </div>
      </section>

      <section className="px-4 pt-8 pb-4" aria-labelledby="how-title">
        <h2 id="how-title" className="text-xl font-bold text-stone-900">
          {t("landing.howTitle")}
        </h2>
        <ol className="mt-4 flex flex-col gap-3">
          {steps.map(({ icon: Icon, title, body }, index) => (
            <li
              key={title}
              className="flex gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
            >
              <div className="flex size-11 shrink-0 items-center justify-center rounded-full bg-amber-100 text-green-800">
                <Icon className="size-6" />
              </div>
              <div>
                <h3 className="font-bold text-stone-900">
                  <span className="sr-only">{index + 1}. </span>
                  {title}
                </h3>
                <p className="mt-1 text-[15px] leading-snug text-stone-700">{body}</p>
              </div>
            </li>
          ))}
        </ol>
        <Link
          to="/groups"
          className={buttonClass("secondary", "mt-4 w-full")}
          data-testid="cta-browse"
        >
          {t("landing.ctaBrowse")}
        </Link>
      </section>

      {signedIn ? null : (
        <section className="px-4 pt-2 pb-6">
          <Link to="/register" className={buttonClass("primary", "w-full")}>
            {t("landing.ctaRegister")}
          </Link>
        </section>
      )}

      <footer className="mt-auto px-4 pt-2 pb-8 text-center text-sm text-stone-600">
        {t("landing.footer")}
      </footer>
    </div>
  );
}
