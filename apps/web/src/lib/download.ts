import { useSession } from "../stores/session.ts";
import { ApiError } from "./api.ts";

/**
 * Fetches a file the API serves (an invoice, a payout file) and saves it: a plain link cannot
 * carry the Bearer token, so the file comes through fetch and leaves as a blob. The server's
 * file name wins over `fallbackName`. Returns the response's headers.
 */
export async function downloadFile(
  path: string,
  fallbackName: string,
  method: "GET" | "POST" = "GET",
): Promise<Headers> {
  const token = useSession.getState().accessToken;
  const res = await fetch(path, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    credentials: "same-origin",
  });
  if (!res.ok) {
    throw new ApiError(res.status, await res.json().catch(() => ({})));
  }
  const named = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = named ?? fallbackName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return res.headers;
}
