import type { TGroupRequestView } from "@cs/contracts";
import { type DbOrTx, groupRequests } from "@cs/db";
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { getProductForGroup, unknownCategories, unknownMarkets } from "../catalog/service.ts";

type RequestRow = typeof groupRequests.$inferSelect;

function present(row: RequestRow, actor: Actor): TGroupRequestView {
  return {
    id: row.id,
    categoryId: row.categoryId,
    productId: row.productId,
    marketId: row.marketId,
    description: row.description,
    quantity: row.quantity,
    status: row.status,
    groupId: row.groupId,
    createdAt: row.createdAt.toISOString(),
    mine: row.traderId === actor.id,
  };
}

/** A trader asks for a group: "I want cooking oil at bulk price at Mbare". */
export async function createGroupRequest(
  ctx: AppContext,
  actor: Actor,
  input: {
    categoryId: string;
    productId?: string | undefined;
    marketId: string;
    description: string;
    quantity: number;
  },
  requestId: string,
): Promise<TGroupRequestView> {
  const errors = [
    ...(await unknownCategories(ctx.db, [input.categoryId])).map(() => ({
      path: "categoryId",
      message: "Unknown category",
    })),
    ...(await unknownMarkets(ctx.db, [input.marketId])).map(() => ({
      path: "marketId",
      message: "Unknown market",
    })),
  ];
  if (input.productId && !(await getProductForGroup(ctx.db, input.productId))?.active) {
    errors.push({ path: "productId", message: "Unknown product" });
  }
  if (errors.length > 0) {
    throw new AppError("unknown_reference", errors[0]?.message, { errors });
  }
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(groupRequests)
      .values({
        id: newId(),
        traderId: actor.id,
        categoryId: input.categoryId,
        productId: input.productId ?? null,
        marketId: input.marketId,
        description: input.description,
        quantity: input.quantity,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "group_request.created",
      subjectType: "group_request",
      subjectId: row.id,
      requestId,
    });
    return present(row, actor);
  });
}

/** Traders see their own requests; suppliers and admins see everyone's, without who asked. */
export async function listGroupRequests(
  db: DbOrTx,
  actor: Actor,
  query: {
    status?: RequestRow["status"] | undefined;
    category?: string | undefined;
    market?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: TGroupRequestView[]; nextCursor: string | null }> {
  const filters: SQL[] = [];
  if (actor.role === "trader") {
    filters.push(eq(groupRequests.traderId, actor.id));
  }
  if (query.status) {
    filters.push(eq(groupRequests.status, query.status));
  }
  if (query.category) {
    filters.push(eq(groupRequests.categoryId, query.category));
  }
  if (query.market) {
    filters.push(eq(groupRequests.marketId, query.market));
  }
  if (query.cursor) {
    filters.push(gt(groupRequests.id, query.cursor));
  }
  const rows = await db
    .select()
    .from(groupRequests)
    .where(and(...filters))
    .orderBy(asc(groupRequests.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => present(row, actor)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** A supplier or admin declines an open request. */
export async function declineGroupRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: string,
  requestId: string,
): Promise<TGroupRequestView> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(groupRequests)
      .set({ status: "declined" })
      .where(and(eq(groupRequests.id, id), eq(groupRequests.status, "open")))
      .returning();
    if (!row) {
      const [existing] = await tx
        .select({ id: groupRequests.id })
        .from(groupRequests)
        .where(eq(groupRequests.id, id));
      throw existing
        ? new AppError("invalid_transition", "Only an open request can be declined")
        : new AppError("not_found", "No such request");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "group_request.declined",
      subjectType: "group_request",
      subjectId: id,
      data: { reason },
      requestId,
    });
    return present(row, actor);
  });
}
