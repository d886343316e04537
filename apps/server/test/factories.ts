import type { TLanguage, TRole, TStaffRole } from "@cs/contracts";
import { users } from "@cs/db";
import { hashPassword } from "../src/domains/identity/passwords.ts";
import { newId } from "../src/platform/ids.ts";
import type { TestApp } from "./harness.ts";

export const TEST_PASSWORD = "Mbare2026!";
let passwordHash: Promise<string> | undefined;
let phoneCounter = 0;

/** A Zimbabwe mobile number no seeded user has (the demo uses 077x). */
export function uniquePhone(): string {
  phoneCounter += 1;
  const digits = String((process.pid * 7919 + phoneCounter * 104_729) % 10_000_000).padStart(
    7,
    "0",
  );
  return `+26371${digits}`;
}

export interface BuiltUser {
  id: string;
  phone: string;
  password: string;
  token: string;
  authorization: { authorization: string };
}

/** A user of any role, with a fresh phone and a signed access token. */
export async function buildUser(
  t: TestApp,
  overrides: {
    role?: TRole;
    staffRole?: TStaffRole | null;
    verified?: boolean;
    language?: TLanguage;
    name?: string;
  } = {},
): Promise<BuiltUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const id = newId();
  const phone = uniquePhone();
  await t.ctx.db.insert(users).values({
    id,
    phone,
    name: overrides.name ?? "Test Trader",
    passwordHash: await passwordHash,
    role: overrides.role ?? "trader",
    staffRole: overrides.staffRole ?? null,
    language: overrides.language ?? "en",
    phoneVerifiedAt: overrides.verified === false ? null : new Date(),
  });
  const token = await t.ctx.tokens.sign(id);
  return {
    id,
    phone,
    password: TEST_PASSWORD,
    token,
    authorization: { authorization: `Bearer ${token}` },
  };
}

export function buildTrader(
  t: TestApp,
  overrides: Parameters<typeof buildUser>[1] = {},
): Promise<BuiltUser> {
  return buildUser(t, { ...overrides, role: "trader" });
}

export function buildAdmin(t: TestApp, staffRole: TStaffRole = "superadmin"): Promise<BuiltUser> {
  return buildUser(t, { role: "admin", staffRole });
}
