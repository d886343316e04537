import type { TManifest } from "@cs/contracts";

/**
 * The pickup agent's offline book: the manifest of their point, the handovers recorded without
 * network (each with its own client id, so sending one twice is harmless) and what the server
 * refused at sync. Pure functions over a plain object, saved per agent in localStorage; the
 * hashing is the server's own (`apps/server/src/domains/pickup/tokens.ts`), done with WebCrypto.
 */

export type ManifestItem = TManifest["items"][number];
export type OfflineProof = { token: string } | { code: string };

export type QueuedHandover = {
  clientId: string;
  credentialId: string;
  quantity: number;
  occurredAt: string;
  proof: OfflineProof;
  /** Cash taken with this handover, minor units (the first handover of a share paid at pickup). */
  cashAmount?: number;
  /** Who and what, to list it while it waits. */
  traderName: string;
  productName: string;
};

export type SyncConflict = QueuedHandover & { reason: string | null };

export type OfflineBook = {
  deviceId: string;
  manifest: TManifest | null;
  /** When this device downloaded the manifest (its own clock; only shown). */
  downloadedAt: string | null;
  pending: QueuedHandover[];
  conflicts: SyncConflict[];
};

export function emptyBook(deviceId: string): OfflineBook {
  return { deviceId, manifest: null, downloadedAt: null, pending: [], conflicts: [] };
}

function base64url(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of the QR token's UTF-8 bytes, base64url: how the manifest names a token. */
export async function hashToken(token: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/** PBKDF2-SHA256 of a typed code (32-byte key, base64url) with the manifest's salt and rounds. */
export async function hashCode(code: string, salt: string, iterations: number): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(code), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: encoder.encode(salt), iterations },
    key,
    256,
  );
  return base64url(bits);
}

/** An 8-digit code, or anything else (a QR's content) as a token. */
export function proofOf(input: string): OfflineProof {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\s+/g, "");
  return /^\d{8}$/.test(digits) ? { code: digits } : { token: trimmed };
}

export type OfflineCheck =
  | { found: false; reason: "no_manifest" | "unknown" | "expired" }
  | { found: true; item: ManifestItem; remainingQty: number };

/** Units of a credential still to hand over: the manifest's count less what waits to sync. */
export function remainingOffline(book: OfflineBook, item: ManifestItem): number {
  const queued = book.pending
    .filter((h) => h.credentialId === item.credentialId)
    .reduce((sum, h) => sum + h.quantity, 0);
  return Math.max(0, item.remainingQty - queued);
}

/**
 * Looks a scanned token or typed code up in the manifest, as the server would: one hash of what
 * was presented, compared with every entry's. Expired entries are refused; `now` is the phone's
 * clock, the only one there is offline.
 */
export async function verifyOffline(
  book: OfflineBook,
  proof: OfflineProof,
  now: number = Date.now(),
): Promise<OfflineCheck> {
  const manifest = book.manifest;
  if (!manifest) {
    return { found: false, reason: "no_manifest" };
  }
  const hash =
    "token" in proof
      ? await hashToken(proof.token)
      : await hashCode(proof.code, manifest.codeHash.salt, manifest.codeHash.iterations);
  const item = manifest.items.find((i) =>
    "token" in proof ? i.tokenHash === hash : i.codeHash === hash,
  );
  if (!item) {
    return { found: false, reason: "unknown" };
  }
  if (Date.parse(item.expiresAt) <= now) {
    return { found: false, reason: "expired" };
  }
  return { found: true, item, remainingQty: remainingOffline(book, item) };
}

/**
 * The cash to take at the next offline handover of a manifest entry: what the manifest says is
 * due, unless a handover waiting to sync already took it.
 */
export function cashDueOffline(book: OfflineBook, item: ManifestItem): ManifestItem["cashDue"] {
  const taken = book.pending.some(
    (h) => h.credentialId === item.credentialId && h.cashAmount !== undefined,
  );
  return taken ? null : item.cashDue;
}

/** Records a handover made without network; refuses more than is left. */
export function recordOffline(
  book: OfflineBook,
  handover: Omit<QueuedHandover, "traderName" | "productName">,
  item: ManifestItem,
): OfflineBook {
  const left = remainingOffline(book, item);
  if (handover.quantity < 1 || handover.quantity > left) {
    throw new RangeError("quantity_exceeded");
  }
  const cash = cashDueOffline(book, item);
  if ((cash?.amount ?? undefined) !== handover.cashAmount) {
    throw new RangeError("cash_mismatch");
  }
  return {
    ...book,
    pending: [
      ...book.pending,
      { ...handover, traderName: item.traderName, productName: item.product.name },
    ],
  };
}

export type SyncOutcome = {
  clientId: string;
  result: "applied" | "duplicate" | "conflict";
  reason: string | null;
};

/**
 * Takes the server's answer to a sync: applied and duplicate items leave the queue (the server
 * has them), conflicts move to the list shown to the agent. Items the answer does not mention
 * stay queued for the next try. Every answered item's goods have left the shelf either way, so
 * the manifest's remaining count drops by its quantity until a fresh manifest replaces it.
 */
export function applySyncResults(book: OfflineBook, results: readonly SyncOutcome[]): OfflineBook {
  const byId = new Map(results.map((r) => [r.clientId, r]));
  const pending: QueuedHandover[] = [];
  const conflicts = [...book.conflicts];
  const handedOver = new Map<string, number>();
  for (const handover of book.pending) {
    const outcome = byId.get(handover.clientId);
    if (!outcome) {
      pending.push(handover);
      continue;
    }
    handedOver.set(
      handover.credentialId,
      (handedOver.get(handover.credentialId) ?? 0) + handover.quantity,
    );
    if (outcome.result === "conflict") {
      conflicts.push({ ...handover, reason: outcome.reason });
    }
  }
  const manifest = book.manifest && {
    ...book.manifest,
    items: book.manifest.items.map((item) => {
      const gone = handedOver.get(item.credentialId) ?? 0;
      return gone ? { ...item, remainingQty: Math.max(0, item.remainingQty - gone) } : item;
    }),
  };
  return { ...book, manifest, pending, conflicts };
}
