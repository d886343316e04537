import { type FormEvent, lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { QrIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import {
  type Found,
  FoundCard,
  fromCheck,
  fromItem,
  networkFailed,
} from "../components/pickup-found.tsx";
import { useOnline } from "../components/pickup-layout.tsx";
import { TextField } from "../components/text-field.tsx";
import { verifyOnline } from "../hooks/api/pickup.ts";
import { errorMessage } from "../lib/errors.ts";
import { cashDueOffline, proofOf, verifyOffline } from "../lib/offline-pickup.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { usePickupOffline } from "../stores/pickup-offline.ts";

const QrScanner = lazy(async () => ({
  default: (await import("../components/qr-scanner.tsx")).QrScanner,
}));

/** The offline list: when it was downloaded, how many pickups it holds, download again. */
function ManifestCard() {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const book = usePickupOffline((s) => s.book);
  const download = usePickupOffline((s) => s.download);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function onDownload() {
    setBusy(true);
    setError(null);
    try {
      await download();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section
      className="flex flex-col gap-2 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
      data-testid="manifest-card"
    >
      <h2 className="text-lg font-bold text-stone-900">{t("pickup.manifestTitle")}</h2>
      <p className="text-[15px] text-stone-700" data-testid="manifest-state">
        {book.manifest && book.downloadedAt
          ? t("pickup.manifestReady", {
              count: book.manifest.items.length,
              time: formatHarareTime(book.downloadedAt, i18n.language),
            })
          : t("pickup.manifestNone")}
      </p>
      {error ? <Alert>{errorMessage(t, error)}</Alert> : null}
      <Button
        variant="secondary"
        className="w-full"
        busy={busy}
        disabled={!online}
        onClick={() => void onDownload()}
        data-testid="manifest-download"
      >
        {t("pickup.manifestDownload")}
      </Button>
    </section>
  );
}

/** What waits to sync, and what the server refused at the last sync. */
function UnsyncedList() {
  const { t, i18n } = useTranslation();
  const pending = usePickupOffline((s) => s.book.pending);
  const conflicts = usePickupOffline((s) => s.book.conflicts);
  const dismiss = usePickupOffline((s) => s.dismissConflicts);
  if (pending.length === 0 && conflicts.length === 0) {
    return null;
  }
  return (
    <section className="flex flex-col gap-3" data-testid="unsynced-list">
      {pending.length > 0 ? (
        <>
          <h2 className="text-lg font-bold text-stone-900">
            {t("pickup.unsynced", { count: pending.length })}
          </h2>
          <ul className="flex flex-col gap-2">
            {pending.map((h) => (
              <li
                key={h.clientId}
                className="rounded-xl bg-amber-50 p-3 text-[15px] text-stone-900 ring-1 ring-amber-300"
              >
                {t("pickup.queuedLine", {
                  count: h.quantity,
                  product: h.productName,
                  trader: h.traderName,
                  time: formatHarareTime(h.occurredAt, i18n.language),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {conflicts.length > 0 ? (
        <>
          <h2 className="text-lg font-bold text-red-800">{t("pickup.conflictsTitle")}</h2>
          <ul className="flex flex-col gap-2" data-testid="sync-conflicts">
            {conflicts.map((h) => (
              <li
                key={h.clientId}
                className="rounded-xl bg-red-50 p-3 text-[15px] text-red-900 ring-1 ring-red-300"
              >
                <p className="font-semibold">
                  {t("pickup.queuedLine", {
                    count: h.quantity,
                    product: h.productName,
                    trader: h.traderName,
                    time: formatHarareTime(h.occurredAt, i18n.language),
                  })}
                </p>
                <p>{t(`pickup.conflict.${h.reason ?? "stale"}`)}</p>
              </li>
            ))}
          </ul>
          <Button variant="secondary" className="w-full" onClick={dismiss}>
            {t("pickup.conflictsDismiss")}
          </Button>
        </>
      ) : null}
    </section>
  );
}

/** `/pickup`: type a short code or scan a QR, see who and what, hand it over (online or not). */
export function PickupHandoverRoute() {
  const { t } = useTranslation();
  const online = useOnline();
  const [code, setCode] = useState("");
  const [scanning, setScanning] = useState(false);
  const [checking, setChecking] = useState(false);
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function check(input: string) {
    setChecking(true);
    setError(null);
    setDone(null);
    setFound(null);
    const proof = proofOf(input);
    try {
      if (navigator.onLine) {
        try {
          setFound(fromCheck(proof, await verifyOnline(proof)));
          return;
        } catch (failure) {
          if (!networkFailed(failure)) {
            setError(errorMessage(t, failure));
            return;
          }
        }
      }
      const offline = await verifyOffline(usePickupOffline.getState().book, proof);
      if (offline.found) {
        const book = usePickupOffline.getState().book;
        setFound(
          fromItem(proof, offline.item, offline.remainingQty, cashDueOffline(book, offline.item)),
        );
      } else {
        setError(t(`pickup.offlineRefused.${offline.reason}`));
      }
    } finally {
      setChecking(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const digits = code.replace(/\s+/g, "");
    if (!/^\d{8}$/.test(digits)) {
      setError(t("pickup.codeFormat"));
      return;
    }
    void check(digits);
  }

  return (
    <Page title={t("pickup.title")} intro={online ? t("pickup.intro") : t("pickup.introOffline")}>
      {scanning ? (
        <Suspense fallback={<PageLoading />}>
          <QrScanner
            onClose={() => setScanning(false)}
            onResult={(text) => {
              setScanning(false);
              void check(text);
            }}
          />
        </Suspense>
      ) : (
        <Button className="w-full" onClick={() => setScanning(true)} data-testid="scan-start">
          <QrIcon className="size-6" />
          {t("pickup.scan")}
        </Button>
      )}
      <form className="flex flex-col gap-3" onSubmit={onSubmit} noValidate>
        <TextField
          label={t("pickup.codeLabel")}
          name="code"
          inputMode="numeric"
          autoComplete="off"
          maxLength={9}
          placeholder="1234 5678"
          className="[&_input]:text-2xl [&_input]:tracking-[0.2em]"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          data-testid="code-input"
        />
        <Button type="submit" variant="secondary" className="w-full" busy={checking}>
          {t("pickup.check")}
        </Button>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {done ? (
        <div data-testid="handover-done">
          <Alert tone="success">{done}</Alert>
        </div>
      ) : null}
      {found ? (
        <FoundCard
          key={JSON.stringify(found.proof)}
          found={found}
          onDone={(message) => {
            setFound(null);
            setCode("");
            setDone(message);
          }}
        />
      ) : null}
      <UnsyncedList />
      <ManifestCard />
    </Page>
  );
}
