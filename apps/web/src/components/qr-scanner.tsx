import decodeQR from "qr/decode.js";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";

type QrScannerProps = { onResult: (text: string) => void; onClose: () => void };

/**
 * The rear camera, a frame decoded a few times a second until a QR code reads. Loaded only when
 * the agent taps "Scan" (the decoder stays out of every other page's download).
 */
export function QrScanner({ onResult, onClose }: QrScannerProps) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const done = useRef(onResult);
  done.current = onResult;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      const player = video.current;
      if (stopped || !player || !context) {
        return;
      }
      if (player.readyState >= 2 && player.videoWidth > 0) {
        // Decode a centred square at most 640 px wide: enough for a phone-held QR, cheap to scan.
        const side = Math.min(player.videoWidth, player.videoHeight);
        const size = Math.min(side, 640);
        canvas.width = size;
        canvas.height = size;
        context.drawImage(
          player,
          (player.videoWidth - side) / 2,
          (player.videoHeight - side) / 2,
          side,
          side,
          0,
          0,
          size,
          size,
        );
        try {
          const text = decodeQR(context.getImageData(0, 0, size, size));
          if (text) {
            stopped = true;
            done.current(text);
            return;
          }
        } catch {
          // No QR in this frame: try the next one.
        }
      }
      timer = window.setTimeout(tick, 200);
    };
    navigator.mediaDevices
      ?.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(async (media) => {
        stream = media;
        if (stopped || !video.current) {
          return;
        }
        video.current.srcObject = media;
        await video.current.play();
        tick();
      })
      .catch(() => setFailed(true));
    if (!navigator.mediaDevices) {
      setFailed(true);
    }
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) {
        track.stop();
      }
    };
  }, []);

  return (
    <div className="flex flex-col gap-3" data-testid="qr-scanner">
      {failed ? (
        <Alert>{t("pickup.cameraFailed")}</Alert>
      ) : (
        <div className="relative overflow-hidden rounded-2xl bg-black">
          <video ref={video} className="aspect-square w-full object-cover" muted playsInline />
          <div className="pointer-events-none absolute inset-[12%] rounded-xl border-4 border-amber-400/90" />
        </div>
      )}
      <p className="text-[15px] text-stone-700">{t("pickup.scanHint")}</p>
      <Button variant="secondary" className="w-full" onClick={onClose}>
        {t("pickup.scanClose")}
      </Button>
    </div>
  );
}
