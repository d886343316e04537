import { queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import type { TestApp } from "./harness.ts";

/**
 * Row counts and a checksum of the user-facing tables: equal before and after a refused request
 * means the request changed nothing.
 */
export async function databaseSnapshot(t: TestApp): Promise<Record<string, unknown>> {
  const [row] = await queryRows<Record<string, unknown>>(
    t.ctx.db,
    sql`select
      (select count(*)::int from users) as users,
      (select md5(coalesce(string_agg(id::text || phone || coalesce(phone_verified_at::text, '') || password_hash || failed_logins::text || coalesce(locked_until::text, ''), ',' order by id), '')) from users) as users_sum,
      (select count(*)::int from refresh_tokens) as refresh_tokens,
      (select count(*)::int from refresh_tokens where revoked_at is null and rotated_at is null) as live_tokens,
      (select count(*)::int from otp_codes) as otp_codes,
      (select count(*)::int from trader_profiles) as profiles,
      (select md5(coalesce(string_agg(user_id::text || updated_at::text, ',' order by user_id), '')) from trader_profiles) as profiles_sum,
      (select count(*)::int from outbox_events) as outbox,
      (select count(*)::int from audit_log) as audit`,
  );
  return row ?? {};
}
