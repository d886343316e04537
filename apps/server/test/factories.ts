import type { TLanguage, TRole, TStaffRole, TVerificationStatus } from "@cs/contracts";
import { supplierMembers, suppliers, users } from "@cs/db";
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

export interface BuiltSupplier {
  id: string;
  /** The team's owner (a fresh supplier user unless one was given). */
  owner: BuiltUser;
  /** The owner's auth header. */
  authorization: { authorization: string };
}

/** A supplier with an owner on its team: a fresh owner unless `owner` is given. */
export async function buildSupplier(
  t: TestApp,
  overrides: {
    owner?: BuiltUser;
    businessName?: string;
    marketId?: string;
    verificationStatus?: TVerificationStatus;
  } = {},
): Promise<BuiltSupplier> {
  const owner =
    overrides.owner ??
    (await buildUser(t, { role: "supplier", staffRole: "owner", name: "Test Supplier Owner" }));
  const id = newId();
  await t.ctx.db.insert(suppliers).values({
    id,
    businessName: overrides.businessName ?? `Test Wholesale ${id.slice(-6)}`,
    verificationStatus: overrides.verificationStatus ?? "verified",
    contactPhone: uniquePhone(),
    marketId: overrides.marketId ?? "mbare-musika",
    address: "Stand 1, Mbare Musika",
  });
  await t.ctx.db.insert(supplierMembers).values({ supplierId: id, userId: owner.id });
  return { id, owner, authorization: owner.authorization };
}
