import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { MyRequests } from "../components/my-requests.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { ShareCard } from "../components/share-card.tsx";
import { useMyParticipations } from "../hooks/api/groups.ts";
import { useUserUpdates } from "../hooks/use-live.ts";
import { errorMessage } from "../lib/errors.ts";

/**
 * `/my-groups`: every share the trader has, newest first, kept current by `user:update`; then the
 * groups they asked suppliers for, with what became of each request.
 */
export function MyGroupsRoute() {
  const { t } = useTranslation();
  const mine = useMyParticipations();
  useUserUpdates();

  let content: ReactNode;
  if (mine.isError) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("myGroups.loadFailed")} {errorMessage(t, mine.error)}
        </Alert>
        <Button variant="secondary" onClick={() => void mine.refetch()}>
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (!mine.data) {
    content = <PageLoading />;
  } else if (mine.data.length === 0) {
    content = (
      <div className="flex flex-col gap-3 rounded-2xl border-2 border-dashed border-stone-300 p-4">
        <p className="text-base text-stone-800" data-testid="my-groups-empty">
          {t("myGroups.empty")}
        </p>
        <Link to="/groups" className={buttonClass("primary", "w-full")}>
          {t("myGroups.browse")}
        </Link>
      </div>
    );
  } else {
    content = (
      <ul className="flex flex-col gap-3" data-testid="my-groups-list">
        {mine.data.map((share) => (
          <ShareCard key={share.id} share={share} />
        ))}
      </ul>
    );
  }

  return (
    <Page title={t("myGroups.title")} intro={t("myGroups.intro")}>
      <Link
        to="/payments"
        className={buttonClass("secondary", "w-full")}
        data-testid="payment-history-link"
      >
        {t("payment.history.title")}
      </Link>
      {content}
      <MyRequests />
    </Page>
  );
}
