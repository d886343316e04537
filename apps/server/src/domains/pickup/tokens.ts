import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  pbkdf2,
  timingSafeEqual,
} from "node:crypto";
import { promisify } from "node:util";
import type { PickupKey } from "../../platform/config.ts";
import { AppError } from "../../platform/errors.ts";

/**
 * Pickup credentials' cryptography.
 *
 * QR token: `CS1.<key id>.<iv>.<ciphertext+tag>` (base64url parts), AES-256-GCM over a small JSON
 * payload (credential, participation, pickup point, expiry, key id), with `CS1.<key id>` as
 * additional authenticated data. Nobody without the key can read it or make one the server
 * accepts. The IV is an HMAC of the plaintext under the key (SIV-style), so the same credential
 * always gives the same token: the server never stores it, the trader's app and the offline
 * manifest's hash agree, and an IV is only ever reused for the very same plaintext. The first key
 * of the keyring signs new credentials; a credential keeps its key while that key is in the ring.
 *
 * Short code: 8 digits derived from the code secret, the credential id and a version (bumped if
 * two live credentials at one point would clash), so it can be shown again and texted without
 * being stored. Looked up by an HMAC; offline devices get only a slow PBKDF2 hash.
 */

const PREFIX = "CS1";

export interface CredentialClaims {
  credentialId: string;
  participationId: string;
  pickupPointId: string;
  expiresAt: Date;
  keyId: string;
}

function keyById(keys: readonly PickupKey[], id: string): PickupKey | undefined {
  return keys.find((key) => key.id === id);
}

/** The QR token of a credential under the named key (the signing key when that one is gone). */
export function sealToken(keys: readonly PickupKey[], claims: CredentialClaims): string {
  const key = keyById(keys, claims.keyId) ?? keys[0];
  if (!key) {
    throw new Error("the pickup keyring is empty");
  }
  const plaintext = Buffer.from(
    JSON.stringify({
      c: claims.credentialId,
      p: claims.participationId,
      pp: claims.pickupPointId,
      e: Math.floor(claims.expiresAt.getTime() / 1000),
      k: key.id,
    }),
  );
  const iv = createHmac("sha256", key.key)
    .update("iv\0")
    .update(plaintext)
    .digest()
    .subarray(0, 12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(`${PREFIX}.${key.id}`));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${key.id}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
}

/**
 * Opens and authenticates a token. Anything forged, tampered with, cut short, or sealed under a
 * key no longer in the ring is `pickup_token_invalid`; expiry is for the caller to judge.
 */
export function openToken(keys: readonly PickupKey[], token: string): CredentialClaims {
  const invalid = new AppError("pickup_token_invalid");
  const [prefix, keyId, ivText, sealedText, ...rest] = token.trim().split(".");
  if (prefix !== PREFIX || !keyId || !ivText || !sealedText || rest.length > 0) {
    throw invalid;
  }
  const key = keyById(keys, keyId);
  const iv = Buffer.from(ivText, "base64url");
  const sealed = Buffer.from(sealedText, "base64url");
  if (!key || iv.length !== 12 || sealed.length <= 16) {
    throw invalid;
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
    decipher.setAAD(Buffer.from(`${PREFIX}.${key.id}`));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plaintext = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - 16)),
      decipher.final(),
    ]);
    const payload = JSON.parse(plaintext.toString("utf8")) as Record<string, unknown>;
    if (
      typeof payload.c !== "string" ||
      typeof payload.p !== "string" ||
      typeof payload.pp !== "string" ||
      typeof payload.e !== "number" ||
      payload.k !== key.id
    ) {
      throw invalid;
    }
    return {
      credentialId: payload.c,
      participationId: payload.p,
      pickupPointId: payload.pp,
      expiresAt: new Date(payload.e * 1000),
      keyId: key.id,
    };
  } catch {
    throw invalid;
  }
}

/** SHA-256 of the token, base64url: what the offline manifest holds to recognise a scan. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** The 8-digit short code of a credential (version 0 unless it clashed). */
export function shortCodeFor(secret: string, credentialId: string, version: number): string {
  const digest = createHmac("sha256", secret).update(`code\0${credentialId}\0${version}`).digest();
  return String(digest.readBigUInt64BE(0) % 100_000_000n).padStart(8, "0");
}

/** The keyed hash a typed code is looked up by (the code space is small: never a plain hash). */
export function shortCodeHash(secret: string, code: string): string {
  return createHmac("sha256", secret).update(`lookup\0${code}`).digest("base64url");
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Offline code check parameters. 8 digits are only 27 bits: a stolen manifest can be brute
 * forced whatever the hash, so the hash is slow (each guess costs what a phone spends checking a
 * typed code), salted per pickup point (no table serves two points), and every offline handover
 * is re-verified with the server key at sync.
 */
export const OFFLINE_CODE_ITERATIONS = 20_000;
export const offlineCodeSalt = (pickupPointId: string) => `connectsphere:pickup:${pickupPointId}`;

const pbkdf2Async = promisify(pbkdf2);

/** PBKDF2-SHA256 of the code, as the offline app computes it from a typed code. */
export async function offlineCodeHash(code: string, pickupPointId: string): Promise<string> {
  const derived = await pbkdf2Async(
    code,
    offlineCodeSalt(pickupPointId),
    OFFLINE_CODE_ITERATIONS,
    32,
    "sha256",
  );
  return derived.toString("base64url");
}
