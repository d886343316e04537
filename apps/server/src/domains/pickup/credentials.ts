import type { TPickupCheck } from "@cs/contracts";
import { type DbOrTx, pickupCredentials } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { findPickupPoint } from "../catalog/repo.ts";
import { enqueueChatSystem } from "../chat/events.ts";
import { markSharesReady } from "../groups/fulfilment-states.ts";
import type { ParticipationRow } from "../groups/presenter.ts";
import type { CredentialRecord, CredentialRow } from "./repo.ts";
import { offlineCodeHash, sealToken, shortCodeFor, shortCodeHash } from "./tokens.ts";

const DAY_MS = 86_400_000;

/** The end of a pickup window starting now, to the second (tokens carry seconds). */
export function pickupWindowEnd(days: number, from = Date.now()): Date {
  return new Date(Math.floor((from + days * DAY_MS) / 1000) * 1000);
}

/** A short code version whose code no other live credential at the point has. */
async function freeCodeVersion(
  tx: DbOrTx,
  ctx: AppContext,
  credentialId: string,
  pickupPointId: string,
  from: number,
): Promise<{ version: number; code: string; hash: string }> {
  for (let version = from; ; version++) {
    const code = shortCodeFor(ctx.config.pickupCodeSecret, credentialId, version);
    const hash = shortCodeHash(ctx.config.pickupCodeSecret, code);
    const [clash] = await tx
      .select({ id: pickupCredentials.id })
      .from(pickupCredentials)
      .where(
        and(
          eq(pickupCredentials.pickupPointId, pickupPointId),
          eq(pickupCredentials.shortCodeHash, hash),
          eq(pickupCredentials.status, "live"),
        ),
      );
    if (!clash) {
      return { version, code, hash };
    }
  }
}

/**
 * Issues a pickup credential for each share whose goods are at the pickup point, in the caller's
 * transaction: the shares become ready for pickup, and the outbox texts each trader their code.
 */
export async function issueCredentials(
  tx: DbOrTx,
  ctx: AppContext,
  input: { orderId: string; pickupPointId: string; shares: ParticipationRow[] },
): Promise<{ issued: number; expiresAt: Date }> {
  const expiresAt = pickupWindowEnd(ctx.config.pickupWindowDays);
  const keyId = ctx.config.pickupKeys[0]?.id as string;
  for (const share of input.shares) {
    const id = newId();
    const { version, code, hash } = await freeCodeVersion(tx, ctx, id, input.pickupPointId, 0);
    await tx.insert(pickupCredentials).values({
      id,
      participationId: share.id,
      groupId: share.groupId,
      traderId: share.traderId,
      pickupPointId: input.pickupPointId,
      quantity: share.quantity,
      status: "live",
      keyId,
      codeVersion: version,
      shortCodeHash: hash,
      offlineCodeHash: await offlineCodeHash(code, input.pickupPointId),
      expiresAt,
    });
    await enqueue(tx, "realtime.user", {
      userId: share.traderId,
      kind: "participation",
      id: share.id,
    });
  }
  await markSharesReady(
    tx,
    input.shares.map((s) => s.id),
  );
  if (input.shares.length > 0) {
    await enqueue(tx, "pickup.credentials_issued", {
      orderId: input.orderId,
      pickupPointId: input.pickupPointId,
    });
    const point = await findPickupPoint(tx, input.pickupPointId);
    await enqueueChatSystem(
      tx,
      input.shares[0]?.groupId as string,
      "ready_for_pickup",
      `${input.orderId}:${input.pickupPointId}`,
      { point: point?.name ?? "" },
    );
  }
  return { issued: input.shares.length, expiresAt };
}

/**
 * Gives expired credentials of a group a new window (an admin's decision): each is live again
 * with a new expiry (so a new token) and, if its code now clashes, a new code. Returns how many.
 */
export async function extendCredentials(
  tx: DbOrTx,
  ctx: AppContext,
  groupId: string,
  expiresAt: Date,
): Promise<CredentialRow[]> {
  const expired = await tx
    .select()
    .from(pickupCredentials)
    .where(and(eq(pickupCredentials.groupId, groupId), eq(pickupCredentials.status, "expired")));
  const extended: CredentialRow[] = [];
  for (const credential of expired) {
    const { version, code, hash } = await freeCodeVersion(
      tx,
      ctx,
      credential.id,
      credential.pickupPointId,
      credential.codeVersion,
    );
    const [row] = await tx
      .update(pickupCredentials)
      .set({
        status: "live",
        expiresAt,
        codeVersion: version,
        shortCodeHash: hash,
        offlineCodeHash:
          version === credential.codeVersion
            ? credential.offlineCodeHash
            : await offlineCodeHash(code, credential.pickupPointId),
        updatedAt: sql`now()`,
      })
      .where(eq(pickupCredentials.id, credential.id))
      .returning();
    if (row) {
      extended.push(row);
      await enqueue(tx, "realtime.pickup", { credentialId: row.id });
    }
  }
  return extended;
}

/** The QR token and short code of a credential, shown to its trader while it is live. */
export function secretsOf(ctx: AppContext, credential: CredentialRow) {
  if (credential.status !== "live") {
    return { token: null, shortCode: null };
  }
  return {
    token: sealToken(ctx.config.pickupKeys, {
      credentialId: credential.id,
      participationId: credential.participationId,
      pickupPointId: credential.pickupPointId,
      expiresAt: credential.expiresAt,
      keyId: credential.keyId,
    }),
    shortCode: shortCodeFor(ctx.config.pickupCodeSecret, credential.id, credential.codeVersion),
  };
}

/**
 * What an agent sees of a credential: enough to hand over the right goods to the right person,
 * and the cash to take first when the share is paid at pickup.
 */
export function presentCheck(
  record: CredentialRecord,
  cashDue: TPickupCheck["cashDue"] = null,
): TPickupCheck {
  const { credential, group } = record;
  return {
    credentialId: credential.id,
    status: credential.status,
    trader: { name: record.traderName, phoneLast3: record.traderPhone.slice(-3) },
    group: { id: group.id, code: group.code, title: group.title },
    product: { name: group.display.product.name, unit: group.display.product.unit },
    quantity: credential.quantity,
    collectedQty: credential.collectedQty,
    remainingQty: credential.quantity - credential.collectedQty,
    expiresAt: credential.expiresAt.toISOString(),
    pickupPointId: credential.pickupPointId,
    cashDue,
  };
}
