import { useTranslation } from "react-i18next";

type GroupProgressProps = {
  paidQty: number;
  heldQty: number;
  moq: number;
  paidParticipants: number;
  /** The detail page's bigger bar, which also shows units held while traders pay. */
  large?: boolean;
};

/** Paid units against the minimum order, as a bar and in words ("3 of 10 units · 2 traders"). */
export function GroupProgress({
  paidQty,
  heldQty,
  moq,
  paidParticipants,
  large = false,
}: GroupProgressProps) {
  const { t } = useTranslation();
  const paidPct = Math.min(100, (paidQty * 100) / moq);
  const heldPct = large ? Math.min(100 - paidPct, (heldQty * 100) / moq) : 0;
  const reached = paidQty >= moq;
  const units = t("groups.unitsOf", { paid: paidQty, moq });
  return (
    <div className="flex flex-col gap-1.5">
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={moq}
        aria-valuenow={Math.min(paidQty, moq)}
        aria-valuetext={units}
        data-testid="progress-bar"
        data-paid={paidQty}
        className={`flex w-full overflow-hidden rounded-full bg-stone-200 ${large ? "h-4" : "h-3"}`}
      >
        <div
          className={`h-full transition-[width] duration-700 ${reached ? "bg-green-600" : "bg-green-700"}`}
          style={{ width: `${paidPct}%` }}
        />
        {heldPct > 0 ? (
          <div
            className="h-full bg-[repeating-linear-gradient(45deg,#fcd34d_0_6px,#fde68a_6px_12px)]"
            style={{ width: `${heldPct}%` }}
          />
        ) : null}
      </div>
      <p className="flex flex-wrap items-baseline gap-x-2 text-[15px] text-stone-800">
        <span className="font-bold" data-testid="progress-text">
          {units}
        </span>
        <span aria-hidden="true">·</span>
        <span data-testid="progress-traders">
          {t("groups.traders", { count: paidParticipants })}
        </span>
      </p>
    </div>
  );
}
