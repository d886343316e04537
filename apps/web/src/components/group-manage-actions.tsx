import type { TGroup } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useCancelGroup, useOpenGroup } from "../hooks/api/groups.ts";
import { errorMessage } from "../lib/errors.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { TextAreaField } from "./textarea-field.tsx";

/**
 * What the group's supplier (or an admin) may do to it: open a draft, cancel a draft or an open
 * group after saying why, with a confirmation step that says everyone who paid is refunded.
 * Nothing shows unless the group's `abilities.manage` says so.
 */
export function GroupManageActions({ group }: { group: TGroup }) {
  const { t } = useTranslation();
  const open = useOpenGroup();
  const cancel = useCancelGroup();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [done, setDone] = useState<"opened" | "cancelled" | null>(null);

  const cancellable = group.status === "draft" || group.status === "open";
  if (!group.abilities.manage || (!cancellable && !done)) {
    return null;
  }
  if (done) {
    return (
      <Alert tone="success">
        {done === "opened" ? t("manage.groups.opened") : t("manage.groups.cancelled")}
      </Alert>
    );
  }

  function onCancel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reason.trim().length < 3) {
      setReasonError(t("manage.errors.reason"));
      return;
    }
    setReasonError(undefined);
    cancel.mutate(
      { groupId: group.id, reason: reason.trim() },
      { onSuccess: () => setDone("cancelled") },
    );
  }

  if (confirming) {
    return (
      <form
        className="flex flex-col gap-3 rounded-xl border-2 border-red-700 bg-red-50 p-3"
        onSubmit={onCancel}
        noValidate
        data-testid="cancel-group-form"
      >
        <p className="text-base font-bold text-red-900">{t("manage.groups.cancelTitle")}</p>
        <p className="text-[15px] text-stone-900">
          {group.paidParticipants > 0
            ? t("manage.groups.cancelWarningPaid", { count: group.paidParticipants })
            : t("manage.groups.cancelWarning")}
        </p>
        <TextAreaField
          label={t("manage.groups.reason")}
          name="reason"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          error={reasonError}
        />
        {cancel.isError ? <Alert>{errorMessage(t, cancel.error)}</Alert> : null}
        <div className="flex flex-col gap-2">
          <Button type="submit" variant="danger" busy={cancel.isPending} className="w-full">
            {t("manage.groups.cancelYes")}
          </Button>
          <Button variant="secondary" className="w-full" onClick={() => setConfirming(false)}>
            {t("manage.groups.cancelNo")}
          </Button>
        </div>
      </form>
    );
  }

  return (
    <div className="flex flex-col gap-2" data-testid="group-manage-actions">
      {open.isError ? <Alert>{errorMessage(t, open.error)}</Alert> : null}
      {group.status === "draft" ? (
        <Button
          className="w-full"
          busy={open.isPending}
          data-testid="open-draft"
          onClick={() => open.mutate(group.id, { onSuccess: () => setDone("opened") })}
        >
          {t("manage.groups.openDraft")}
        </Button>
      ) : null}
      <Button
        variant="dangerOutline"
        className="w-full"
        data-testid="cancel-group"
        onClick={() => setConfirming(true)}
      >
        {t("manage.groups.cancel")}
      </Button>
    </div>
  );
}
