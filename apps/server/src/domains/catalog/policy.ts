import type { DbOrTx } from "@cs/db";
import { type Actor, hasPermission, type Permission } from "../../platform/auth/permissions.ts";
import { AppError } from "../../platform/errors.ts";
import { supplierIdsOfMember } from "./repo.ts";

/** Who is looking at the catalogue: the actor (null when anonymous) and the teams they are on. */
export interface Viewer {
  actor: Actor | null;
  supplierIds: readonly string[];
}

/** A supplier; `id: null` is one that does not exist yet (create). */
export interface SupplierRef {
  kind: "supplier";
  id: string | null;
}
export interface ProductRef {
  kind: "product";
  supplierId: string;
  active: boolean;
}
export type SupplierAction = "create" | "update" | "verify" | "addMember";
export type ProductAction = "read" | "create" | "update";

/** The viewer of a request: a supplier user's teams are looked up once per request. */
export async function loadViewer(db: DbOrTx, actor: Actor | null): Promise<Viewer> {
  if (actor?.role !== "supplier") {
    return { actor, supplierIds: [] };
  }
  return { actor, supplierIds: await supplierIdsOfMember(db, actor.id) };
}

function isAdmin(viewer: Viewer): boolean {
  return viewer.actor?.role === "admin";
}

function onTeam(viewer: Viewer, supplierId: string | null): boolean {
  return (
    viewer.actor?.role === "supplier" &&
    supplierId !== null &&
    viewer.supplierIds.includes(supplierId)
  );
}

function holds(viewer: Viewer, permission: Permission): boolean {
  return viewer.actor !== null && hasPermission(viewer.actor, permission);
}

function allows(
  viewer: Viewer,
  action: SupplierAction | ProductAction,
  resource: SupplierRef | ProductRef,
): boolean {
  if (resource.kind === "supplier") {
    if (!holds(viewer, "catalog:suppliers")) {
      return false;
    }
    if (action === "update" || action === "addMember") {
      return isAdmin(viewer) || onTeam(viewer, resource.id);
    }
    return isAdmin(viewer);
  }
  if (action === "read") {
    return resource.active || isAdmin(viewer) || onTeam(viewer, resource.supplierId);
  }
  return (
    holds(viewer, "catalog:products") && (isAdmin(viewer) || onTeam(viewer, resource.supplierId))
  );
}

/**
 * Who may do what in the catalogue. Suppliers: admins create and verify them; their owners (and
 * admins) edit them and add team members. Products: anyone reads active ones, only the
 * supplier's team and admins see inactive ones; the team's owner and managers (and admins) edit.
 */
export function can(viewer: Viewer, action: SupplierAction, resource: SupplierRef): boolean;
export function can(viewer: Viewer, action: ProductAction, resource: ProductRef): boolean;
export function can(
  viewer: Viewer,
  action: SupplierAction | ProductAction,
  resource: SupplierRef | ProductRef,
): boolean {
  return allows(viewer, action, resource);
}

/** Throws `forbidden` unless `can` allows the action. */
export function authorize(viewer: Viewer, action: SupplierAction, resource: SupplierRef): void;
export function authorize(viewer: Viewer, action: ProductAction, resource: ProductRef): void;
export function authorize(
  viewer: Viewer,
  action: SupplierAction | ProductAction,
  resource: SupplierRef | ProductRef,
): void {
  if (!allows(viewer, action, resource)) {
    throw new AppError("forbidden");
  }
}

/** The product as the policy sees it. */
export function productRef(product: { supplierId: string; active: boolean }): ProductRef {
  return { kind: "product", supplierId: product.supplierId, active: product.active };
}

/** The supplier as the policy sees it. */
export function supplierRef(id: string | null): SupplierRef {
  return { kind: "supplier", id };
}
