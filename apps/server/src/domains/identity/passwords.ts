import { passwordWeakness } from "@cs/contracts";
import { hash, verify } from "@node-rs/argon2";
import { fieldError } from "../../platform/errors.ts";

/** Argon2id with the library's defaults (19 MiB, 2 passes: the OWASP baseline). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

// A real hash to verify against when the phone is unknown, so that a login for an unknown phone
// takes as long as one for a known phone and does not reveal who is registered.
let decoyHash: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<false> {
  decoyHash ??= hash("decoy-password-0");
  await verify(await decoyHash, password);
  return false;
}

/** Throws `password_weak` naming the rule the password breaks. */
export function assertStrongPassword(password: string, path = "password"): void {
  const weakness = passwordWeakness(password);
  if (weakness) {
    throw fieldError("password_weak", path, `Password needs ${weakness}`);
  }
}
