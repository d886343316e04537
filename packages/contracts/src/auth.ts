import { z } from "zod";
import { ZLanguage } from "./common.ts";
import { normalizeZimPhone } from "./phone.ts";

export const ROLES = ["trader", "supplier", "pickup_agent", "admin"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/** Team role of a supplier user, or staff level of an admin. */
export const SUPPLIER_TEAM_ROLES = ["owner", "manager", "staff"] as const;
export const ADMIN_ROLES = ["moderator", "analyst", "superadmin"] as const;
export const ZStaffRole = z.enum([...SUPPLIER_TEAM_ROLES, ...ADMIN_ROLES]);
export type TStaffRole = z.infer<typeof ZStaffRole>;

/** A Zimbabwe mobile number in any common form, output as E.164. */
export const ZPhone = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const phone = normalizeZimPhone(value);
    if (!phone) {
      ctx.addIssue({ code: "custom", message: "Enter a Zimbabwe mobile number, e.g. 0771234567" });
      return z.NEVER;
    }
    return phone;
  });

export const PASSWORD_MIN_LENGTH = 8;
const COMMON_PASSWORDS = new Set([
  "password",
  "password1",
  "12345678",
  "123456789",
  "1234567890",
  "qwerty123",
  "iloveyou1",
  "abc12345",
  "password123",
  "zimbabwe1",
  "harare123",
]);

/** Why a password is too weak, or null when it is acceptable. Shared by server and web forms. */
export function passwordWeakness(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    return "letters and numbers";
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || new Set(password.toLowerCase()).size < 5) {
    return "not a common or repetitive password";
  }
  return null;
}

export const ZPassword = z.string().max(128);

export const ZRegisterRequest = z.strictObject({
  phone: ZPhone,
  name: z.string().trim().min(2).max(80),
  email: z.email().max(254).optional(),
  password: ZPassword,
  language: ZLanguage.default("en"),
});
export type TRegisterRequest = z.input<typeof ZRegisterRequest>;

export const ZLoginRequest = z.strictObject({ phone: ZPhone, password: ZPassword });
export type TLoginRequest = z.input<typeof ZLoginRequest>;

export const ZOtpCode = z.string().regex(/^\d{6}$/, "6 digits");

export const ZVerifyPhoneRequest = z.strictObject({ code: ZOtpCode });
export type TVerifyPhoneRequest = z.input<typeof ZVerifyPhoneRequest>;

export const ZPasswordResetRequest = z.strictObject({ phone: ZPhone });
export const ZPasswordResetConfirm = z.strictObject({
  phone: ZPhone,
  code: ZOtpCode,
  password: ZPassword,
});
export type TPasswordResetConfirm = z.input<typeof ZPasswordResetConfirm>;

export const ZUser = z.object({
  id: z.uuid(),
  phone: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  language: ZLanguage,
  role: ZRole,
  staffRole: ZStaffRole.nullable(),
  phoneVerified: z.boolean(),
  createdAt: z.string(),
});
export type TUser = z.infer<typeof ZUser>;

/** What login, register and refresh answer: the access token (short-lived) and the user. */
export const ZSession = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  user: ZUser,
});
export type TSession = z.infer<typeof ZSession>;

export const ZAccepted = z.object({ ok: z.literal(true) });
