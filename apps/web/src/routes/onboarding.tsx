import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { ProfileForm } from "../components/profile-form.tsx";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { useMyProfile } from "../hooks/api/profile.ts";
import { errorMessage } from "../lib/errors.ts";

type PreferencesPageProps = { mode: "onboarding" | "edit" };

function PreferencesPage({ mode }: PreferencesPageProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const markets = useMarkets();
  const categories = useCategories();
  const profile = useMyProfile();

  const failed = [markets, categories, profile].find((q) => q.isError);
  let content: ReactNode;
  if (failed) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("profile.loadFailed")} {errorMessage(t, failed.error)}
        </Alert>
        <Button
          variant="secondary"
          onClick={() => {
            void markets.refetch();
            void categories.refetch();
            void profile.refetch();
          }}
        >
          {t("profile.retry")}
        </Button>
      </div>
    );
  } else if (!markets.data || !categories.data || profile.data === undefined) {
    content = <PageLoading />;
  } else {
    content = (
      <ProfileForm
        markets={markets.data}
        categories={categories.data}
        initial={profile.data}
        submitLabel={mode === "onboarding" ? t("profile.save") : t("profile.saveEdit")}
        onSaved={() => {
          void navigate("/dashboard", { replace: mode === "onboarding" });
        }}
        onCancel={mode === "edit" ? () => void navigate("/dashboard") : undefined}
      />
    );
  }

  return (
    <Page
      title={mode === "onboarding" ? t("profile.onboardingTitle") : t("profile.editTitle")}
      intro={t("profile.onboardingIntro")}
    >
      {content}
    </Page>
  );
}

/** `/onboarding`: first-time preferences after the phone is confirmed. */
export function OnboardingRoute() {
  return <PreferencesPage mode="onboarding" />;
}

/** `/profile`: the same form to edit the preferences later. */
export function ProfileRoute() {
  return <PreferencesPage mode="edit" />;
}
