import { useEffect, useState } from "react";
import { apiBlob } from "../lib/api.ts";

type AuthImageProps = { src: string; alt: string; className?: string; testId?: string };

/**
 * An image the API serves only with the access token (an `<img src>` cannot send it): fetched as
 * a blob and shown from an object URL, released when the image goes.
 */
export function AuthImage({ src, alt, className, testId }: AuthImageProps) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | null = null;
    apiBlob(src, controller.signal)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => setUrl(null));
    return () => {
      controller.abort();
      if (objectUrl) {
        URL.revokeObjectURL(objectUrl);
      }
    };
  }, [src]);
  return url ? (
    <img src={url} alt={alt} className={className} data-testid={testId} />
  ) : (
    <div className={`${className ?? ""} animate-pulse bg-stone-200`} aria-hidden="true" />
  );
}
