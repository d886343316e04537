import type { TDispute, TResolveDispute } from "@cs/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { AuthImage } from "../components/auth-image.tsx";
import { Button } from "../components/button.tsx";
import { ChoiceGroup, RadioChip } from "../components/chip.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { TextAreaField } from "../components/textarea-field.tsx";
import { useDisputes, useResolveDispute } from "../hooks/api/orders.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatHarareTime } from "../lib/server-clock.ts";

type Resolution = TResolveDispute["resolution"];

function DisputeCard({ dispute }: { dispute: TDispute }) {
  const { t, i18n } = useTranslation();
  const resolve = useResolveDispute();
  const [resolution, setResolution] = useState<Resolution | "">("");
  const [note, setNote] = useState("");
  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
      data-testid="dispute-card"
    >
      <div className="flex flex-col gap-1">
        <p className="text-sm font-semibold text-green-800">
          {dispute.groupCode} · {formatHarareTime(dispute.createdAt, i18n.language)}
        </p>
        <p className="text-lg font-bold">{t(`manage.disputes.kind.${dispute.kind}`)}</p>
        <pre className="overflow-x-auto rounded-lg bg-stone-100 p-2 text-xs whitespace-pre-wrap">
          {JSON.stringify(dispute.details, null, 1)}
        </pre>
        {dispute.orderId && typeof dispute.details.photoId === "string" ? (
          <AuthImage
            src={`/api/v1/orders/${dispute.orderId}/photos/${dispute.details.photoId}`}
            alt={t("pickup.deliveries.photo")}
            className="max-h-56 w-full rounded-lg object-cover"
            testId="dispute-photo"
          />
        ) : null}
        {dispute.resolution ? (
          <p className="font-semibold">
            {t(`manage.disputes.resolution.${dispute.resolution}`)}
            {dispute.resolutionNote ? ` — ${dispute.resolutionNote}` : ""}
          </p>
        ) : null}
      </div>
      {dispute.status === "open" ? (
        <>
          <ChoiceGroup legend={t("manage.disputes.decide")}>
            {dispute.resolutions.map((value) => (
              <RadioChip
                key={value}
                name={`resolution-${dispute.id}`}
                value={value}
                checked={resolution === value}
                onChange={() => setResolution(value as Resolution)}
              >
                {t(`manage.disputes.resolution.${value}`)}
              </RadioChip>
            ))}
          </ChoiceGroup>
          <TextAreaField
            label={t("manage.disputes.note")}
            name="note"
            rows={2}
            maxLength={1000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
          {resolve.isError ? <Alert>{errorMessage(t, resolve.error)}</Alert> : null}
          <Button
            className="w-full"
            disabled={!resolution}
            busy={resolve.isPending}
            onClick={() =>
              resolution &&
              resolve.mutate({
                id: dispute.id,
                resolution,
                ...(note.trim() ? { note: note.trim() } : {}),
                ...(resolution === "extend" ? { extendDays: 3 } : {}),
              })
            }
          >
            {t("manage.disputes.resolve")}
          </Button>
        </>
      ) : null}
    </li>
  );
}

/** `/manage/disputes` (admins): short deliveries, offline double collections, uncollected goods. */
export function ManageDisputesRoute() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<"open" | "resolved">("open");
  const disputes = useDisputes(status);
  return (
    <Page title={t("manage.disputes.title")} intro={t("manage.disputes.intro")}>
      <ChoiceGroup legend={t("manage.disputes.show")}>
        {(["open", "resolved"] as const).map((value) => (
          <RadioChip
            key={value}
            name="status"
            value={value}
            checked={status === value}
            onChange={() => setStatus(value)}
          >
            {t(`manage.disputes.status.${value}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>
      {disputes.isError ? (
        <Alert>{errorMessage(t, disputes.error)}</Alert>
      ) : !disputes.data ? (
        <PageLoading />
      ) : disputes.data.length === 0 ? (
        <p className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base">
          {t("manage.disputes.empty")}
        </p>
      ) : (
        <ul className="flex flex-col gap-3">
          {disputes.data.map((dispute) => (
            <DisputeCard key={dispute.id} dispute={dispute} />
          ))}
        </ul>
      )}
    </Page>
  );
}
