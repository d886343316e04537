import type { ZCategoryCreate, ZPickupPointCreate, ZPickupPointUpdate } from "@cs/contracts";
import { categories, pickupPoints } from "@cs/db";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../../platform/audit.ts";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { assertReferencesExist } from "./references.ts";
import {
  type CategoryRow,
  findPickupPoint,
  listPickupPointRows,
  type PickupPointRow,
} from "./repo.ts";

type CategoryInput = z.output<typeof ZCategoryCreate>;
type PickupPointInput = z.output<typeof ZPickupPointCreate>;
type PickupPointPatch = z.output<typeof ZPickupPointUpdate>;

/** Adds a category; its slug id is permanent, so a taken one answers `already_exists`. */
export async function createCategory(
  ctx: AppContext,
  actor: Actor,
  input: CategoryInput,
  requestId: string,
): Promise<CategoryRow> {
  return ctx.db.transaction(async (tx) => {
    // ON CONFLICT rather than a read first: two admins adding the same slug cannot both win.
    const [row] = await tx.insert(categories).values(input).onConflictDoNothing().returning();
    if (!row) {
      throw fieldError("already_exists", "id", "A category with this id exists");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "category.created",
      subjectType: "category",
      subjectId: row.id,
      requestId,
    });
    return row;
  });
}

/** Pickup points, of one market or all, by market then name. */
export function listPickupPoints(
  ctx: AppContext,
  marketId: string | undefined,
): Promise<PickupPointRow[]> {
  return listPickupPointRows(ctx.db, { marketId });
}

/** The pickup point, or `not_found`. */
export async function loadPickupPoint(ctx: AppContext, id: string): Promise<PickupPointRow> {
  const point = await findPickupPoint(ctx.db, id);
  if (!point) {
    throw new AppError("not_found", "No such pickup point");
  }
  return point;
}

/** Adds a pickup point to a market. */
export async function createPickupPoint(
  ctx: AppContext,
  actor: Actor,
  input: PickupPointInput,
  requestId: string,
): Promise<PickupPointRow> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { marketId: input.marketId });
    const [row] = await tx
      .insert(pickupPoints)
      .values({ id: newId(), ...input })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "pickup_point.created",
      subjectType: "pickup_point",
      subjectId: row.id,
      requestId,
    });
    return row;
  });
}

/** Edits a pickup point's market, name, address or hours. */
export async function updatePickupPoint(
  ctx: AppContext,
  actor: Actor,
  point: PickupPointRow,
  patch: PickupPointPatch,
  requestId: string,
): Promise<PickupPointRow> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { marketId: patch.marketId });
    const [row] = await tx
      .update(pickupPoints)
      .set(patch)
      .where(eq(pickupPoints.id, point.id))
      .returning();
    if (!row) {
      throw new AppError("not_found", "No such pickup point");
    }
    await audit(tx, {
      actorId: actor.id,
      action: "pickup_point.updated",
      subjectType: "pickup_point",
      subjectId: row.id,
      data: { fields: Object.keys(patch) },
      requestId,
    });
    return row;
  });
}
