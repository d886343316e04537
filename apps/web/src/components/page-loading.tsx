import { useTranslation } from "react-i18next";
import { SpinnerIcon } from "./icons.tsx";

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="flex flex-1 items-center justify-center gap-3 p-8 text-stone-700" role="status">
      <SpinnerIcon className="size-6 animate-spin text-green-700" />
      <span>{t("app.loading")}</span>
    </div>
  );
}
