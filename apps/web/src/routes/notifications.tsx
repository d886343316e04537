import type { TNotification } from "@cs/contracts";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { useMarkRead, useNotifications } from "../hooks/api/notifications.ts";
import { NOTIFICATIONS_NS } from "../i18n/notifications.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { announceUnread } from "../lib/unread.ts";

function NotificationItem({ item, onOpen }: { item: TNotification; onOpen: () => void }) {
  const { t, i18n } = useTranslation(NOTIFICATIONS_NS);
  return (
    <li
      className={`flex flex-col gap-1 rounded-2xl p-4 ring-1 ${
        item.read ? "bg-white ring-stone-200" : "bg-amber-50 ring-amber-300"
      }`}
      data-testid="notification"
      data-read={item.read}
    >
      <div className="flex items-baseline justify-between gap-2">
        <p className="font-bold text-stone-900">
          {item.read ? null : (
            <span className="mr-2 rounded-full bg-amber-400 px-2 py-0.5 text-xs font-bold text-stone-900">
              {t("new")}
            </span>
          )}
          {item.title}
        </p>
        <time className="shrink-0 text-sm text-stone-600" dateTime={item.createdAt}>
          {formatHarareTime(item.createdAt, i18n.language)}
        </time>
      </div>
      <p className="text-stone-800">{item.body}</p>
      {item.link ? (
        <button
          type="button"
          className="self-start font-semibold text-green-800 underline"
          onClick={onOpen}
        >
          {t("open")}
        </button>
      ) : null}
    </li>
  );
}

/** The notification centre: newest first, unread highlighted, live, read one or all. */
export function NotificationsRoute() {
  const { t } = useTranslation(NOTIFICATIONS_NS);
  const { t: tc } = useTranslation();
  const navigate = useNavigate();
  const list = useNotifications();
  const markRead = useMarkRead();
  const pages = list.data?.pages ?? [];
  const items = pages.flatMap((page) => page.items);
  const unread = pages[0]?.unread ?? 0;
  useEffect(() => {
    if (list.data) {
      announceUnread(unread);
    }
  }, [list.data, unread]);
  if (list.isPending) {
    return <PageLoading />;
  }
  return (
    <Page title={t("title")} intro={t("intro")}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-semibold text-stone-800" data-testid="unread-total">
          {t("unread", { count: unread })}
        </p>
        <Button
          variant="secondary"
          disabled={unread === 0}
          busy={markRead.isPending && !markRead.variables}
          onClick={() => markRead.mutate(undefined)}
        >
          {t("markAllRead")}
        </Button>
      </div>
      {list.isError ? <Alert>{errorMessage(tc, list.error)}</Alert> : null}
      {markRead.isError ? <Alert>{errorMessage(tc, markRead.error)}</Alert> : null}
      {items.length === 0 ? (
        <p className="rounded-2xl bg-white p-4 text-stone-700 ring-1 ring-stone-200">
          {t("empty")}
        </p>
      ) : (
        <ul className="flex flex-col gap-3">
          {items.map((item) => (
            <NotificationItem
              key={item.id}
              item={item}
              onOpen={() => {
                if (!item.read) {
                  markRead.mutate([item.id]);
                }
                if (item.link) {
                  void navigate(item.link);
                }
              }}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <Button
          variant="ghost"
          busy={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t("older")}
        </Button>
      ) : null}
      <Link to="/notifications/preferences" className={buttonClass("ghost", "self-start")}>
        {t("preferencesLink")}
      </Link>
    </Page>
  );
}
