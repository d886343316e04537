import { createHash, randomBytes, webcrypto } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { AppError } from "../errors.ts";

const ISSUER = "connectsphere";
const AUDIENCE = "connectsphere-api";

const VERIFIED_CACHE_ENTRIES = 20_000;

/**
 * Signs and verifies short-lived access tokens (HS256). A token that verified is remembered
 * until it expires (at most VERIFIED_CACHE_ENTRIES of them, oldest forgotten first): a client
 * sends the same token with every request, and checking its signature each time was a tenth of
 * the server's work under load. Only the exact token string that verified is remembered.
 */
export function createAccessTokens(secret: string, ttlSeconds: number) {
  const raw = new TextEncoder().encode(secret);
  // Imported once: given raw bytes, jose imports the key again for every signature it checks.
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  const cryptoKey = () => {
    imported ??= webcrypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    return imported;
  };
  const verified = new Map<string, { sub: string; expiresAtMs: number }>();
  return {
    ttlSeconds,
    async sign(userId: string): Promise<string> {
      return new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(await cryptoKey());
    },
    /** The user id in a valid token; throws `token_expired` or `token_invalid`. */
    async verify(token: string): Promise<string> {
      const known = verified.get(token);
      if (known && known.expiresAtMs > Date.now()) {
        return known.sub;
      }
      verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, await cryptoKey(), {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
        });
        if (typeof payload.sub !== "string" || typeof payload.exp !== "number") {
          throw new AppError("token_invalid");
        }
        if (verified.size >= VERIFIED_CACHE_ENTRIES) {
          const oldest = verified.keys().next().value;
          if (oldest !== undefined) {
            verified.delete(oldest);
          }
        }
        verified.set(token, { sub: payload.sub, expiresAtMs: payload.exp * 1000 });
        return payload.sub;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          throw new AppError("token_expired");
        }
        throw new AppError("token_invalid");
      }
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** A new opaque refresh token and the hash that is stored in its place. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
