import { randomInt } from "node:crypto";
import type { TCreateGroupRequest, ZCreateGroupRequest } from "@cs/contracts";
import {
  type GroupDisplay,
  groupPickupPoints,
  groupRequests,
  groups,
  isUniqueViolation,
} from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { getProductForGroup, pickupPointsByIds } from "../catalog/service.ts";
import { canManageGroup, lockManagedGroup } from "./policy.ts";
import type { GroupRow } from "./presenter.ts";

type CreateInput = z.output<typeof ZCreateGroupRequest>;

export type { TCreateGroupRequest };

// No 0/O or 1/I: people read these codes off an SMS and type them on a keypad.
const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
function groupCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

export const MIN_DEADLINE_SECONDS = 60;

/**
 * Creates a group offer for a product (a supplier for their own, an admin for any). The product's
 * name, supplier, category and pickup points are copied into the group: an offer's terms do not
 * change under the traders who joined it.
 */
export async function createGroup(
  ctx: AppContext,
  actor: Actor,
  input: CreateInput,
  requestId: string,
): Promise<GroupRow> {
  const product = await getProductForGroup(ctx.db, input.productId);
  // A supplier must not learn that another supplier's product exists: both answers are 404.
  if (!product || !(await canManageGroup(ctx.db, actor, { supplierId: product.supplierId }))) {
    throw new AppError("not_found", "No such product");
  }
  if (!product.active) {
    throw fieldError("invalid_transition", "productId", "This product is not on sale");
  }
  const deadline = new Date(input.deadline);
  if (deadline.getTime() < Date.now() + MIN_DEADLINE_SECONDS * 1000) {
    throw fieldError(
      "validation_failed",
      "deadline",
      "The deadline must be at least a minute away",
    );
  }
  const pickupIds = [...new Set(input.pickupPointIds)];
  const points = await pickupPointsByIds(ctx.db, pickupIds);
  if (points.length !== pickupIds.length) {
    throw fieldError("unknown_reference", "pickupPointIds", "Unknown pickup point");
  }
  const tiers =
    input.tiers ??
    (product.tiers.length > 0 ? product.tiers : [{ minQty: 1, unitPrice: product.unitPrice }]);
  const title = input.title ?? product.name;
  const display: GroupDisplay = {
    product: {
      id: product.id,
      name: product.name,
      unit: product.unit,
      description: product.description,
      image: product.images[0] ?? null,
    },
    supplier: { id: product.supplierId, name: product.supplierName },
    category: { id: product.categoryId, name: product.categoryName },
    pickupPoints: points,
  };
  const searchText = {
    a: `${title} ${product.name}`,
    b: `${product.categoryName.en} ${product.categoryName.sn} ${product.categoryName.nd} ${product.supplierName}`,
    c: `${product.description} ${points.map((p) => p.name).join(" ")}`,
  };
  const status = input.open ? "open" : "draft";
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const [group] = await tx
          .insert(groups)
          .values({
            id: newId(),
            code: groupCode(),
            productId: product.id,
            supplierId: product.supplierId,
            categoryId: product.categoryId,
            createdBy: actor.id,
            title,
            status,
            currency: product.currency,
            moq: input.moq,
            cap: input.cap ?? null,
            minPerTrader: input.minPerTrader,
            maxPerTrader: input.maxPerTrader ?? null,
            deadline,
            currentUnitPrice: tiers[0]?.unitPrice ?? product.unitPrice,
            tiers,
            display,
            searchVector: sql`setweight(to_tsvector('simple', ${searchText.a}), 'A') || setweight(to_tsvector('simple', ${searchText.b}), 'B') || setweight(to_tsvector('simple', ${searchText.c}), 'C')`,
            marketIds: [...new Set(points.map((p) => p.marketId))],
            requestId: input.requestId ?? null,
            openedAt: status === "open" ? new Date() : null,
          })
          .returning();
        if (!group) {
          throw new Error("insert returned no row");
        }
        await tx
          .insert(groupPickupPoints)
          .values(pickupIds.map((pickupPointId) => ({ groupId: group.id, pickupPointId })));
        if (input.requestId) {
          const converted = await tx
            .update(groupRequests)
            .set({ status: "converted", groupId: group.id })
            .where(and(eq(groupRequests.id, input.requestId), eq(groupRequests.status, "open")))
            .returning({ id: groupRequests.id });
          if (converted.length === 0) {
            throw fieldError("unknown_reference", "requestId", "No open request with this id");
          }
        }
        await audit(tx, {
          actorId: actor.id,
          action: "group.created",
          subjectType: "group",
          subjectId: group.id,
          data: { status },
          requestId,
        });
        return group;
      });
    } catch (error) {
      // A clash of the random 6-character code: draw another.
      if (isUniqueViolation(error, "groups_code_key") && attempt < 5) {
        continue;
      }
      throw error;
    }
  }
}

/** draft → open. */
export async function openGroup(
  ctx: AppContext,
  actor: Actor,
  groupId: string,
  requestId: string,
): Promise<GroupRow> {
  return ctx.db.transaction(async (tx) => {
    const group = await lockManagedGroup(tx, actor, groupId);
    if (group.status !== "draft") {
      throw new AppError("invalid_transition", `A ${group.status} group cannot be opened`);
    }
    if (group.deadline.getTime() < Date.now() + MIN_DEADLINE_SECONDS * 1000) {
      throw new AppError("invalid_transition", "The deadline has passed; create a new offer");
    }
    const [opened] = await tx
      .update(groups)
      .set({ status: "open", openedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(groups.id, groupId))
      .returning();
    await audit(tx, {
      actorId: actor.id,
      action: "group.opened",
      subjectType: "group",
      subjectId: groupId,
      requestId,
    });
    await enqueue(tx, "realtime.group", { groupId });
    return opened ?? group;
  });
}
