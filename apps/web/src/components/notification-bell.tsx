import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../lib/api.ts";
import { withSocket } from "../lib/realtime.ts";
import { onUnread } from "../lib/unread.ts";

/**
 * The bell in the header: the unread count, fetched once, bumped by live pushes, set again by
 * the centre when things are read and re-read on reconnection or when the tab comes back.
 * Loaded lazily and only for signed-in users, so the landing page does not carry it.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let alive = true;
    const load = () => {
      api<{ unread: number }>("/api/v1/notifications/unread-count").then(
        (answer) => alive && setCount(answer.unread),
        () => {},
      );
    };
    load();
    const offUnread = onUnread(setCount);
    const offSocket = withSocket((socket) => {
      const bump = () => setCount((n) => n + 1);
      socket.on("notification:new", bump);
      socket.on("connect", load);
      return () => {
        socket.off("notification:new", bump);
        socket.off("connect", load);
      };
    });
    const visible = () => document.visibilityState === "visible" && load();
    document.addEventListener("visibilitychange", visible);
    return () => {
      alive = false;
      offUnread();
      offSocket();
      document.removeEventListener("visibilitychange", visible);
    };
  }, []);
  return (
    <Link
      to="/notifications"
      className="relative flex size-11 shrink-0 items-center justify-center rounded-lg hover:bg-green-700"
      aria-label={count > 0 ? t("nav.notificationsUnread", { count }) : t("nav.notifications")}
      data-testid="notification-bell"
    >
      <svg
        viewBox="0 0 24 24"
        className="size-6"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {count > 0 ? (
        <span
          className="absolute top-0.5 right-0.5 min-w-5 rounded-full bg-amber-400 px-1 text-center text-xs leading-5 font-bold text-stone-900"
          data-testid="unread-count"
        >
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}
