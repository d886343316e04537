import type { TTier } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { formatMoney } from "../lib/money.ts";
import { CheckIcon } from "./icons.tsx";

type TierLadderProps = {
  tiers: TTier[];
  paidQty: number;
  currentUnitPrice: number;
  currency: string;
  nextTier: { minQty: number; unitPrice: number; unitsToGo: number } | null;
};

/** Every price step, the one in force highlighted and the next one with how far it is. */
export function TierLadder({
  tiers,
  paidQty,
  currentUnitPrice,
  currency,
  nextTier,
}: TierLadderProps) {
  const { t, i18n } = useTranslation();
  const money = (cents: number) => formatMoney(cents, currency, i18n.language);
  const sorted = [...tiers].sort((a, b) => a.minQty - b.minQty);
  const current = sorted.filter((tier) => tier.minQty <= Math.max(paidQty, 1)).at(-1);
  return (
    <ol className="flex flex-col gap-2" data-testid="tier-ladder">
      {sorted.map((tier) => {
        const inForce = tier === current || (!current && tier.unitPrice === currentUnitPrice);
        const isNext = nextTier?.minQty === tier.minQty;
        return (
          <li
            key={tier.minQty}
            data-testid={inForce ? "tier-current" : isNext ? "tier-next" : undefined}
            className={`flex flex-col gap-0.5 rounded-xl border-2 px-3 py-2 ${
              inForce
                ? "border-green-700 bg-green-50"
                : isNext
                  ? "border-amber-400 bg-amber-50"
                  : "border-stone-200 bg-white"
            }`}
          >
            <div className="flex items-center justify-between gap-2">
              <span className="text-[15px] text-stone-800">
                {t("groups.tierFrom", { count: tier.minQty })}
              </span>
              <span className="text-lg font-bold text-stone-900">{money(tier.unitPrice)}</span>
            </div>
            {inForce ? (
              <span className="flex items-center gap-1 text-sm font-bold text-green-800">
                <CheckIcon className="size-4" />
                {t("groups.priceNow")}
              </span>
            ) : null}
            {isNext && nextTier ? (
              <span className="text-sm font-semibold text-amber-900">
                {t("groups.nextTier", {
                  count: nextTier.unitsToGo,
                  price: money(nextTier.unitPrice),
                })}
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
