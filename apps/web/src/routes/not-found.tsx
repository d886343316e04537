import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { buttonClass } from "../components/button.tsx";
import { Page } from "../components/page.tsx";

export function NotFoundRoute() {
  const { t } = useTranslation();
  return (
    <Page title={t("notFound.title")} intro={t("notFound.body")}>
      <Link to="/" className={buttonClass("primary", "w-full")}>
        {t("notFound.home")}
      </Link>
    </Page>
  );
}
