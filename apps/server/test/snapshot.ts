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
      (select count(*)::int from suppliers) as suppliers,
      (select md5(coalesce(string_agg(id::text || business_name || verification_status || contact_phone || coalesce(contact_email, '') || coalesce(market_id, '') || address, ',' order by id), '')) from suppliers) as suppliers_sum,
      (select count(*)::int from supplier_members) as supplier_members,
      (select count(*)::int from products) as products,
      (select md5(coalesce(string_agg(id::text || category_id || name || description || unit || currency || unit_price::text || stock::text || images::text || active::text || updated_at::text, ',' order by id), '')) from products) as products_sum,
      (select count(*)::int from product_tiers) as product_tiers,
      (select md5(coalesce(string_agg(product_id::text || ':' || min_qty::text || ':' || unit_price::text, ',' order by product_id, min_qty), '')) from product_tiers) as product_tiers_sum,
      (select count(*)::int from categories) as categories,
      (select md5(coalesce(string_agg(id::text || market_id || name || address || hours, ',' order by id), '')) from pickup_points) as pickup_points_sum,
      (select count(*)::int from outbox_events) as outbox,
      (select count(*)::int from audit_log) as audit`,
  );
  return row ?? {};
}
