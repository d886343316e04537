import type { TGroup } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { formatMoney } from "../lib/money.ts";
import { useServerNow } from "../lib/server-clock.ts";
import { Alert } from "./alert.tsx";

/** What happened to a group that is no longer simply open, in plain words. */
export function GroupStatusBanner({ group }: { group: TGroup }) {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  let tone: "success" | "info" = "info";
  let text: string | null = null;
  let detail: string | null = null;
  switch (group.status) {
    case "draft":
      // Only its supplier and admins ever see a draft.
      text = t("groups.banner.draft");
      break;
    case "open":
      text = Date.parse(group.deadline) <= now ? t("groups.banner.closing") : null;
      break;
    case "funded":
      tone = "success";
      text = t("groups.banner.funded");
      detail = t("groups.banner.fundedPrice", {
        price: formatMoney(
          group.finalUnitPrice ?? group.currentUnitPrice,
          group.currency,
          i18n.language,
        ),
      });
      break;
    case "ordered":
    case "delivered":
    case "completed":
      tone = "success";
      text = t(`groups.banner.${group.status}`);
      break;
    case "expired":
      text = t("groups.banner.expired", { moq: group.moq });
      break;
    case "cancelled":
      text = t("groups.banner.cancelled");
      break;
    case "refunded":
      // Both failed endings become `refunded` once every refund is sent; the group says which.
      text =
        group.endedBy === "cancellation"
          ? t("groups.banner.cancelledDone")
          : t("groups.banner.expiredDone", { moq: group.moq });
      break;
    default:
      text = null;
  }
  if (!text) {
    return null;
  }
  return (
    <div data-testid="status-banner" data-status={group.status}>
      <Alert tone={tone}>
        <p className="font-bold">{text}</p>
        {detail ? <p className="mt-1">{detail}</p> : null}
      </Alert>
    </div>
  );
}
