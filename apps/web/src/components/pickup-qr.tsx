import encodeQR from "qr";
import { useMemo } from "react";

/**
 * The QR code of a pickup token, drawn as SVG. The token goes in as it is; medium error
 * correction survives a cracked or dim phone screen. Loaded with the pickups page only.
 */
export function PickupQr({ token, label }: { token: string; label: string }) {
  const src = useMemo(
    () =>
      `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
        encodeQR(token, "svg", { ecc: "medium", border: 2 }),
      )}`,
    [token],
  );
  return (
    <img
      src={src}
      alt={label}
      className="aspect-square w-full max-w-72 bg-white [image-rendering:pixelated]"
      data-testid="pickup-qr"
    />
  );
}
