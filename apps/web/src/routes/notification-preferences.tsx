import {
  CHANNELS,
  NOTIFICATION_GROUPS,
  type TChannel,
  type TNotificationGroup,
  type TNotificationPreferences,
} from "@cs/contracts";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { usePreferences, useSavePreferences } from "../hooks/api/notifications.ts";
import { NOTIFICATIONS_NS } from "../i18n/notifications.ts";
import { errorMessage } from "../lib/errors.ts";
import { useSession } from "../stores/session.ts";

/** Which groups a role hears about: traders never get admin alerts, nobody else sees pickup. */
function groupsFor(role: string | undefined): TNotificationGroup[] {
  if (role === "admin") {
    return [...NOTIFICATION_GROUPS];
  }
  if (role === "supplier") {
    return ["orders", "payments", "disputes"];
  }
  return ["groups", "payments", "orders", "pickup"];
}

const toTime = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
const toMinute = (time: string) => {
  const [h = "0", m = "0"] = time.split(":");
  return Number(h) * 60 + Number(m);
};

/** Per kind of event × channel toggles, and quiet hours in Harare time. */
export function NotificationPreferencesRoute() {
  const { t } = useTranslation(NOTIFICATIONS_NS);
  const { t: tc } = useTranslation();
  const role = useSession((s) => s.user?.role);
  const current = usePreferences();
  const save = useSavePreferences();
  const [draft, setDraft] = useState<TNotificationPreferences | null>(null);
  useEffect(() => {
    if (current.data) {
      setDraft(current.data);
    }
  }, [current.data]);
  if (!draft) {
    return current.isError ? <Alert>{errorMessage(tc, current.error)}</Alert> : <PageLoading />;
  }
  const toggle = (group: TNotificationGroup, channel: TChannel) =>
    setDraft({
      ...draft,
      channels: {
        ...draft.channels,
        [group]: { ...draft.channels[group], [channel]: !draft.channels[group]?.[channel] },
      },
    });
  const quiet = draft.quietHours;
  return (
    <Page title={t("preferences.title")} intro={t("preferences.intro")}>
      <form
        className="flex flex-col gap-5"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ channels: draft.channels, quietHours: draft.quietHours });
        }}
      >
        {groupsFor(role).map((group) => (
          <fieldset
            key={group}
            className="flex flex-col gap-2 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
            data-testid={`preferences-${group}`}
          >
            <legend className="px-1 font-bold">{t(`preferences.groups.${group}`)}</legend>
            <div className="grid grid-cols-2 gap-2">
              {CHANNELS.map((channel) => (
                <label key={channel} className="flex min-h-11 items-center gap-2 font-medium">
                  <input
                    type="checkbox"
                    className="size-6 shrink-0 accent-green-700"
                    checked={draft.channels[group]?.[channel] ?? false}
                    onChange={() => toggle(group, channel)}
                  />
                  {t(`preferences.channels.${channel}`)}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <fieldset className="flex flex-col gap-3 rounded-2xl bg-white p-4 ring-1 ring-stone-200">
          <legend className="px-1 font-bold">{t("preferences.quiet")}</legend>
          <p className="text-sm text-stone-700">{t("preferences.quietIntro")}</p>
          <label className="flex min-h-11 items-center gap-2 font-medium">
            <input
              type="checkbox"
              className="size-6 accent-green-700"
              checked={quiet !== null}
              onChange={() =>
                setDraft({ ...draft, quietHours: quiet ? null : { start: 21 * 60, end: 6 * 60 } })
              }
            />
            {t("preferences.quietOn")}
          </label>
          {quiet ? (
            <div className="flex gap-4">
              {(["start", "end"] as const).map((edge) => (
                <label key={edge} className="flex flex-col gap-1 font-medium">
                  {t(edge === "start" ? "preferences.from" : "preferences.to")}
                  <input
                    type="time"
                    required
                    className="min-h-12 rounded-xl border border-stone-300 px-3"
                    value={toTime(quiet[edge])}
                    onChange={(event) =>
                      setDraft({
                        ...draft,
                        quietHours: { ...quiet, [edge]: toMinute(event.target.value) },
                      })
                    }
                  />
                </label>
              ))}
            </div>
          ) : null}
        </fieldset>
        {save.isError ? <Alert>{errorMessage(tc, save.error)}</Alert> : null}
        {save.isSuccess ? <Alert tone="success">{t("preferences.saved")}</Alert> : null}
        <Button type="submit" busy={save.isPending}>
          {t("preferences.save")}
        </Button>
      </form>
    </Page>
  );
}
