import type { TPickupCheck } from "@cs/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { handOverOnline } from "../hooks/api/pickup.ts";
import { ApiError } from "../lib/api.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";
import { type ManifestItem, type OfflineProof, verifyOffline } from "../lib/offline-pickup.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { usePickupOffline } from "../stores/pickup-offline.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { QuantityStepper } from "./quantity-stepper.tsx";

/** Who and what, whether the server said it or the offline manifest did. */
export type Found = {
  proof: OfflineProof;
  mode: "online" | "offline";
  traderName: string;
  phoneLast3: string;
  productName: string;
  unit: string;
  groupCode: string;
  quantity: number;
  collectedQty: number;
  remainingQty: number;
  expiresAt: string;
  status: TPickupCheck["status"];
  /** Cash to take before the goods go (a share paid at pickup); null: nothing to take. */
  cashDue: TPickupCheck["cashDue"];
  item: ManifestItem | null;
};

export function fromCheck(proof: OfflineProof, check: TPickupCheck): Found {
  return {
    proof,
    mode: "online",
    traderName: check.trader.name,
    phoneLast3: check.trader.phoneLast3,
    productName: check.product.name,
    unit: check.product.unit,
    groupCode: check.group.code,
    quantity: check.quantity,
    collectedQty: check.collectedQty,
    remainingQty: check.remainingQty,
    expiresAt: check.expiresAt,
    status: check.status,
    cashDue: check.cashDue,
    item: null,
  };
}

export function fromItem(
  proof: OfflineProof,
  item: ManifestItem,
  remainingQty: number,
  cashDue: ManifestItem["cashDue"],
): Found {
  return {
    proof,
    mode: "offline",
    traderName: item.traderName,
    phoneLast3: item.phoneLast3,
    productName: item.product.name,
    unit: item.product.unit,
    groupCode: item.group.code,
    quantity: item.quantity,
    collectedQty: item.quantity - remainingQty,
    remainingQty,
    expiresAt: item.expiresAt,
    status: remainingQty > 0 ? "live" : "collected",
    cashDue,
    item,
  };
}

/** A share paid at pickup: the agent takes the cash and says so before the goods go. */
function CashStep({
  cashDue,
  taken,
  onTaken,
}: {
  cashDue: NonNullable<TPickupCheck["cashDue"]>;
  taken: boolean;
  onTaken: (taken: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const amount = formatMoney(cashDue.amount, cashDue.currency, i18n.language);
  return (
    <div
      className="flex flex-col gap-2 rounded-xl bg-amber-50 p-3 ring-2 ring-amber-400"
      data-testid="cash-due"
    >
      <p className="text-lg font-bold text-stone-900">{t("pickup.cashDue", { amount })}</p>
      <label className="flex min-h-11 items-center gap-3 text-[15px] text-stone-900">
        <input
          type="checkbox"
          className="size-6 accent-green-700"
          checked={taken}
          onChange={(event) => onTaken(event.target.checked)}
          data-testid="cash-received"
        />
        {t("pickup.cashReceived", { amount })}
      </label>
    </div>
  );
}

/** True when a request never reached the server (no network), not when the server said no. */
export const networkFailed = (error: unknown) => error instanceof ApiError && error.status === 0;

type FoundCardProps = { found: Found; onDone: (message: string) => void };

/** Who, what and how much is left; hand over all of it or part. */
export function FoundCard({ found, onDone }: FoundCardProps) {
  const { t, i18n } = useTranslation();
  const record = usePickupOffline((s) => s.record);
  const [quantity, setQuantity] = useState(found.remainingQty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cashTaken, setCashTaken] = useState(false);
  const collectable = found.status === "live" && found.remainingQty > 0;
  const cashAmount = found.cashDue?.amount;

  async function recordLocally(): Promise<boolean> {
    const book = usePickupOffline.getState().book;
    const offline = found.item
      ? { found: true as const, item: found.item }
      : await verifyOffline(book, found.proof);
    if (!offline.found) {
      return false;
    }
    record(found.proof, offline.item, quantity, cashAmount);
    onDone(t("pickup.recordedOffline", { count: quantity, trader: found.traderName }));
    return true;
  }

  async function onConfirm() {
    setBusy(true);
    setError(null);
    try {
      if (found.mode === "offline") {
        await recordLocally();
        return;
      }
      try {
        const answer = await handOverOnline(found.proof, quantity, cashAmount);
        onDone(
          t("pickup.handedOver", {
            count: answer.handover.quantity,
            trader: found.traderName,
            remaining: answer.credential.remainingQty,
          }),
        );
      } catch (failure) {
        // The network dropped between the check and the confirm: keep it for the sync.
        if (!(networkFailed(failure) && (await recordLocally()))) {
          throw failure;
        }
      }
    } catch (failure) {
      setError(
        failure instanceof RangeError
          ? new ApiError(409, { code: "pickup_quantity_exceeded" })
          : failure,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-2 ring-green-700"
      data-testid="pickup-found"
    >
      {found.mode === "offline" ? <Alert tone="info">{t("pickup.checkedOffline")}</Alert> : null}
      <div className="flex flex-col gap-1">
        <p className="text-2xl font-bold text-stone-900" data-testid="found-trader">
          {found.traderName}
        </p>
        <p className="text-[15px] text-stone-700">
          {t("pickup.phoneEnds", { digits: found.phoneLast3 })}
        </p>
        <p className="text-lg font-semibold text-stone-900">
          {found.productName} · {found.groupCode}
        </p>
      </div>
      <dl className="grid grid-cols-3 gap-2 text-center">
        {(
          [
            ["quantity", found.quantity],
            ["collected", found.collectedQty],
            ["remaining", found.remainingQty],
          ] as const
        ).map(([key, value]) => (
          <div key={key} className="rounded-xl bg-stone-100 p-2">
            <dt className="text-sm text-stone-700">{t(`pickup.${key}`)}</dt>
            <dd className="text-2xl font-bold text-stone-900" data-testid={`found-${key}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <p className="text-sm text-stone-700">
        {t("pickup.expires", { time: formatHarareTime(found.expiresAt, i18n.language) })}
      </p>
      {collectable ? (
        <>
          <QuantityStepper
            label={t("pickup.handOverHowMany", { unit: found.unit })}
            value={quantity}
            min={1}
            max={found.remainingQty}
            onChange={setQuantity}
          />
          {found.cashDue ? (
            <CashStep cashDue={found.cashDue} taken={cashTaken} onTaken={setCashTaken} />
          ) : null}
          {error ? <Alert>{errorMessage(t, error)}</Alert> : null}
          <Button
            className="w-full"
            busy={busy}
            disabled={found.cashDue !== null && !cashTaken}
            onClick={() => void onConfirm()}
            data-testid="handover-confirm"
          >
            {quantity === found.remainingQty
              ? t("pickup.handOverAll", { count: quantity })
              : t("pickup.handOverPart", { count: quantity })}
          </Button>
        </>
      ) : (
        <Alert>{t(`pickup.status.${found.status}`)}</Alert>
      )}
    </section>
  );
}
