import type { TManifest } from "@cs/contracts";
import { describe, expect, it } from "vitest";
import {
  applySyncResults,
  cashDueOffline,
  emptyBook,
  hashCode,
  hashToken,
  type OfflineBook,
  proofOf,
  recordOffline,
  verifyOffline,
} from "./offline-pickup.ts";

const POINT = "0197a000-0000-7000-8000-000000000001";
const SALT = `connectsphere:pickup:${POINT}`;
// Computed with node:crypto exactly as the server does (createHash / pbkdf2 in tokens.ts).
const TOKEN = "v1.qr-token-Ünïcode";
const TOKEN_HASH = "0Elz3ixwAn7qaMQfEuw80u0sGRep0nwRX7Ek3SAcVHk";
const CODE = "12345678";
const CODE_HASH = "3KpdriCdmir64rjFCbQHjdPuXdEIqODxchG9ShMaNPs";
const OTHER_CODE_HASH = "zaAvgOQ99fp7YU92k2cQGlPgOmj7ljoBPo4BiTKjSEs";

function item(overrides: Partial<TManifest["items"][number]> = {}): TManifest["items"][number] {
  return {
    credentialId: "c1",
    traderName: "Tendai Moyo",
    phoneLast3: "001",
    group: { id: "g1", code: "HRE-OIL", title: "Cooking oil" },
    product: { name: "Cooking oil 2 L", unit: "bottle" },
    quantity: 4,
    remainingQty: 3,
    expiresAt: "2099-01-01T00:00:00.000Z",
    tokenHash: TOKEN_HASH,
    codeHash: CODE_HASH,
    cashDue: null,
    ...overrides,
  };
}

function book(items = [item()]): OfflineBook {
  return {
    ...emptyBook("device-1"),
    manifest: {
      pickupPointId: POINT,
      generatedAt: "2026-01-01T00:00:00.000Z",
      refreshBy: "2026-01-02T00:00:00.000Z",
      tokenHash: { algorithm: "SHA-256", encoding: "base64url" },
      codeHash: {
        algorithm: "PBKDF2-SHA256",
        iterations: 20_000,
        salt: SALT,
        encoding: "base64url",
      },
      items,
    },
  };
}

describe("offline pickup hashes", () => {
  it("hashes a QR token as the server's SHA-256 base64url", async () => {
    expect(await hashToken(TOKEN)).toBe(TOKEN_HASH);
  });

  it("hashes a typed code as the server's PBKDF2-SHA256, salted per point", async () => {
    expect(await hashCode(CODE, SALT, 20_000)).toBe(CODE_HASH);
    expect(await hashCode("87654321", SALT, 20_000)).toBe(OTHER_CODE_HASH);
    expect(await hashCode(CODE, `${SALT}x`, 20_000)).not.toBe(CODE_HASH);
  });
});

describe("proofOf", () => {
  it("reads 8 digits (spaces allowed) as a code and anything else as a token", () => {
    expect(proofOf(" 1234 5678 ")).toEqual({ code: "12345678" });
    expect(proofOf("1234567")).toEqual({ token: "1234567" });
    expect(proofOf(TOKEN)).toEqual({ token: TOKEN });
  });
});

describe("verifyOffline", () => {
  it("finds a credential by its scanned token or its typed code", async () => {
    const byToken = await verifyOffline(book(), { token: TOKEN });
    expect(byToken).toMatchObject({ found: true, remainingQty: 3, item: { credentialId: "c1" } });
    const byCode = await verifyOffline(book(), { code: CODE });
    expect(byCode).toMatchObject({ found: true, item: { traderName: "Tendai Moyo" } });
  });

  it("refuses a wrong code, a forged token, an expired entry and a missing manifest", async () => {
    expect(await verifyOffline(book(), { code: "87654321" })).toEqual({
      found: false,
      reason: "unknown",
    });
    expect(await verifyOffline(book(), { token: `${TOKEN}x` })).toMatchObject({ found: false });
    const expired = book([item({ expiresAt: "2026-01-01T00:00:00.000Z" })]);
    expect(await verifyOffline(expired, { code: CODE }, Date.parse("2026-01-02"))).toEqual({
      found: false,
      reason: "expired",
    });
    expect(await verifyOffline(emptyBook("d"), { code: CODE })).toEqual({
      found: false,
      reason: "no_manifest",
    });
  });

  it("counts handovers waiting to sync against what remains, and refuses more", async () => {
    let current = book();
    const entry = item();
    current = recordOffline(
      current,
      {
        clientId: "h1",
        credentialId: "c1",
        quantity: 2,
        occurredAt: "2026-01-01T10:00:00.000Z",
        proof: { code: CODE },
      },
      entry,
    );
    expect(current.pending).toHaveLength(1);
    expect(current.pending[0]).toMatchObject({ traderName: "Tendai Moyo", quantity: 2 });
    expect(await verifyOffline(current, { code: CODE })).toMatchObject({ remainingQty: 1 });
    expect(() =>
      recordOffline(
        current,
        { clientId: "h2", credentialId: "c1", quantity: 2, occurredAt: "x", proof: { code: CODE } },
        entry,
      ),
    ).toThrow("quantity_exceeded");
  });
});

describe("cash at pickup offline", () => {
  it("takes the cash due with the first handover only, and refuses one without it", () => {
    const entry = item({ cashDue: { amount: 3680, currency: "USD" } });
    const start = book([entry]);
    const handover = (clientId: string, cashAmount?: number) => ({
      clientId,
      credentialId: "c1",
      quantity: 1,
      occurredAt: "2026-01-01T10:00:00.000Z",
      proof: { code: CODE },
      ...(cashAmount === undefined ? {} : { cashAmount }),
    });
    expect(cashDueOffline(start, entry)).toEqual({ amount: 3680, currency: "USD" });
    expect(() => recordOffline(start, handover("h0"), entry)).toThrow("cash_mismatch");
    expect(() => recordOffline(start, handover("h0", 3000), entry)).toThrow("cash_mismatch");
    const first = recordOffline(start, handover("h1", 3680), entry);
    expect(first.pending[0]?.cashAmount).toBe(3680);
    expect(cashDueOffline(first, entry)).toBeNull();
    expect(() => recordOffline(first, handover("h2", 3680), entry)).toThrow("cash_mismatch");
    expect(recordOffline(first, handover("h2"), entry).pending).toHaveLength(2);
  });
});

describe("applySyncResults", () => {
  it("drops applied and duplicate items, keeps conflicts with their reason and unanswered ones", () => {
    const queued = (clientId: string) => ({
      clientId,
      credentialId: "c1",
      quantity: 1,
      occurredAt: "2026-01-01T10:00:00.000Z",
      proof: { code: CODE },
      traderName: "Tendai Moyo",
      productName: "Cooking oil 2 L",
    });
    const before: OfflineBook = {
      ...book(),
      pending: [queued("a"), queued("b"), queued("c"), queued("d")],
    };
    const after = applySyncResults(before, [
      { clientId: "a", result: "applied", reason: null },
      { clientId: "b", result: "duplicate", reason: null },
      { clientId: "c", result: "conflict", reason: "already_collected" },
    ]);
    expect(after.pending.map((h) => h.clientId)).toEqual(["d"]);
    expect(after.conflicts).toEqual([{ ...queued("c"), reason: "already_collected" }]);
    // Three units left the shelf (a, b, c); d still waits and counts against the rest.
    expect(after.manifest?.items[0]?.remainingQty).toBe(0);
    expect(before.manifest?.items[0]?.remainingQty).toBe(3);
  });
});
