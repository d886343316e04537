import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    phone: text("phone").notNull(),
    email: text("email"),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    language: text("language", { enum: ["en", "sn", "nd"] })
      .notNull()
      .default("en"),
    role: text("role", { enum: ["trader", "supplier", "pickup_agent", "admin"] }).notNull(),
    /** Supplier team role (owner/manager/staff) or admin level (moderator/analyst/superadmin). */
    staffRole: text("staff_role", {
      enum: ["owner", "manager", "staff", "moderator", "analyst", "superadmin"],
    }),
    phoneVerifiedAt: timestamp("phone_verified_at", { withTimezone: true }),
    failedLogins: smallint("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_phone_key").on(t.phone),
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`).where(sql`${t.email} is not null`),
  ],
);

/** One-time codes sent by SMS. Only an HMAC of the code is stored. */
export const otpCodes = pgTable(
  "otp_codes",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_phone", "reset_password"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: smallint("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("otp_codes_user_purpose_idx").on(t.userId, t.purpose, t.createdAt)],
);

/**
 * Rotating refresh tokens. Every rotation links the old row to its successor; presenting a token
 * that was already rotated or revoked revokes its whole family (reuse detection).
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: text("revoked_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
  ],
);

export const traderProfiles = pgTable("trader_profiles", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  categories: jsonb("categories").$type<string[]>().notNull(),
  budgetMin: integer("budget_min").notNull(),
  budgetMax: integer("budget_max").notNull(),
  budgetCurrency: text("budget_currency", { enum: ["USD", "ZWG"] }).notNull(),
  marketId: text("market_id").notNull(),
  groupSizes: jsonb("group_sizes").$type<Array<"small" | "medium" | "large">>().notNull(),
  purchaseFrequency: text("purchase_frequency", {
    enum: ["daily", "weekly", "fortnightly", "monthly"],
  }).notNull(),
  businessType: text("business_type", {
    enum: [
      "market_stall",
      "tuck_shop",
      "hawker",
      "small_retailer",
      "restaurant",
      "wholesaler",
      "other",
    ],
  }).notNull(),
  experienceYears: smallint("experience_years").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Append-only record of security-relevant actions. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey(),
    actorId: uuid("actor_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    requestId: text("request_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_subject_idx").on(t.subjectType, t.subjectId)],
);
