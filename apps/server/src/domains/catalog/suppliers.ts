import type { TSupplierMember, ZSupplierCreate, ZSupplierUpdate } from "@cs/contracts";
import { supplierMembers, suppliers } from "@cs/db";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../../platform/audit.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, fieldError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { findUserSummary } from "../identity/service.ts";
import type { Viewer } from "./policy.ts";
import { assertReferencesExist } from "./references.ts";
import { findSupplier, listSupplierRows, type Page, type SupplierRow } from "./repo.ts";

type SupplierInput = z.output<typeof ZSupplierCreate>;
type SupplierPatch = z.output<typeof ZSupplierUpdate>;

/** The supplier, or `not_found`. Suppliers are public, so no scope applies. */
export async function loadSupplier(ctx: AppContext, id: string): Promise<SupplierRow> {
  const supplier = await findSupplier(ctx.db, id);
  if (!supplier) {
    throw new AppError("not_found", "No such supplier");
  }
  return supplier;
}

/** One page of suppliers, by id, optionally of one market or verification status. */
export function listSuppliers(
  ctx: AppContext,
  filter: { marketId?: string | undefined; verificationStatus?: SupplierRow["verificationStatus"] },
  page: Page,
): Promise<{ items: SupplierRow[]; nextCursor: string | null }> {
  return listSupplierRows(ctx.db, filter, page);
}

/** Registers a supplier (pending verification) in one transaction with its audit row. */
export async function createSupplier(
  ctx: AppContext,
  viewer: Viewer,
  input: SupplierInput,
  requestId: string,
): Promise<SupplierRow> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { marketId: input.marketId });
    const [row] = await tx
      .insert(suppliers)
      .values({
        id: newId(),
        businessName: input.businessName,
        contactPhone: input.contactPhone,
        contactEmail: input.contactEmail ?? null,
        marketId: input.marketId,
        address: input.address,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    await audit(tx, {
      actorId: viewer.actor?.id ?? null,
      action: "supplier.created",
      subjectType: "supplier",
      subjectId: row.id,
      requestId,
    });
    return row;
  });
}

/**
 * Edits a supplier. The caller has authorized the edit, and `verify` when the patch changes
 * `verificationStatus`; the audit row records what changed, with the old status.
 */
export async function updateSupplier(
  ctx: AppContext,
  viewer: Viewer,
  supplier: SupplierRow,
  patch: SupplierPatch,
  requestId: string,
): Promise<SupplierRow> {
  return ctx.db.transaction(async (tx) => {
    await assertReferencesExist(tx, { marketId: patch.marketId });
    const [row] = await tx
      .update(suppliers)
      .set(patch)
      .where(eq(suppliers.id, supplier.id))
      .returning();
    if (!row) {
      throw new AppError("not_found", "No such supplier");
    }
    const statusChanged =
      patch.verificationStatus !== undefined &&
      patch.verificationStatus !== supplier.verificationStatus;
    await audit(tx, {
      actorId: viewer.actor?.id ?? null,
      action: statusChanged ? "supplier.verification_changed" : "supplier.updated",
      subjectType: "supplier",
      subjectId: row.id,
      data: {
        fields: Object.keys(patch),
        ...(statusChanged ? { from: supplier.verificationStatus, to: row.verificationStatus } : {}),
      },
      requestId,
    });
    return row;
  });
}

/**
 * Adds an existing supplier user to the supplier's team (their team role stays their own
 * `staffRole`). Refuses unknown users, users who are not suppliers, and members already there.
 */
export async function addSupplierMember(
  ctx: AppContext,
  viewer: Viewer,
  supplier: SupplierRow,
  userId: string,
  requestId: string,
): Promise<TSupplierMember> {
  return ctx.db.transaction(async (tx) => {
    const user = await findUserSummary(tx, userId);
    if (!user) {
      throw fieldError("unknown_reference", "userId", "Unknown user");
    }
    if (user.role !== "supplier" || user.disabled) {
      throw fieldError("validation_failed", "userId", "Only supplier accounts join a team");
    }
    const [member] = await tx
      .insert(supplierMembers)
      .values({ supplierId: supplier.id, userId })
      .onConflictDoNothing()
      .returning();
    if (!member) {
      throw fieldError("already_exists", "userId", "Already on this supplier's team");
    }
    await audit(tx, {
      actorId: viewer.actor?.id ?? null,
      action: "supplier.member_added",
      subjectType: "supplier",
      subjectId: supplier.id,
      data: { userId },
      requestId,
    });
    return {
      supplierId: member.supplierId,
      userId: member.userId,
      createdAt: member.createdAt.toISOString(),
    };
  });
}
