import type { TPickupCheck } from "@cs/contracts";
import { type DbOrTx, pickupCredentials, pickupHandovers, supplierOrders } from "@cs/db";
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { completeIfAllCollected } from "../fulfilment/completion.ts";
import { markShareCollected } from "../groups/fulfilment-states.ts";
import { cashToTakeAtHandover, recordCashAtPickup } from "../payments/cash.ts";
import { assertNotLocked, recordFailure } from "./attempts.ts";
import { presentCheck } from "./credentials.ts";
import {
  agentPickupPoint,
  type CredentialRecord,
  type CredentialRow,
  findCredentialRecord,
  findRecordByCodeHash,
} from "./repo.ts";
import { type CredentialClaims, openToken, shortCodeHash } from "./tokens.ts";

export type Proof = { token: string } | { code: string };

/**
 * The credential a scanned token or typed code names, for an agent at `pickupPointId`. A forged
 * or tampered token, an unknown code, or another point's credential counts as a wrong attempt
 * (too many lock the agent and the point out for a while).
 */
export async function credentialOfProof(
  ctx: AppContext,
  agentId: string,
  pickupPointId: string,
  proof: Proof,
): Promise<CredentialRecord> {
  const subject = {
    agentId,
    pickupPointId,
    codeKey: "code" in proof ? shortCodeHash(ctx.config.pickupCodeSecret, proof.code) : undefined,
  };
  await assertNotLocked(ctx.db, subject);
  try {
    return await findByProof(ctx, pickupPointId, proof, subject.codeKey);
  } catch (error) {
    const counted = ["pickup_token_invalid", "pickup_code_invalid", "pickup_wrong_point"];
    if (error instanceof AppError && counted.includes(error.code)) {
      await recordFailure(ctx.db, subject);
    }
    throw error;
  }
}

async function findByProof(
  ctx: AppContext,
  pickupPointId: string,
  proof: Proof,
  codeHash: string | undefined,
): Promise<CredentialRecord> {
  if ("token" in proof) {
    const claims = openToken(ctx.config.pickupKeys, proof.token);
    return tokenRecord(
      await findCredentialRecord(ctx.db, claims.credentialId),
      claims,
      pickupPointId,
    );
  }
  const hash = codeHash ?? shortCodeHash(ctx.config.pickupCodeSecret, proof.code);
  const here = await findRecordByCodeHash(ctx.db, pickupPointId, hash);
  if (here) {
    return here;
  }
  if (await findRecordByCodeHash(ctx.db, null, hash)) {
    throw new AppError("pickup_wrong_point");
  }
  throw new AppError("pickup_code_invalid");
}

/** The credential a token names, checked against the token's claims and the agent's point. */
export function tokenRecord(
  record: CredentialRecord | undefined,
  claims: CredentialClaims,
  pickupPointId: string,
): CredentialRecord {
  const row = record?.credential;
  if (
    !record ||
    !row ||
    row.participationId !== claims.participationId ||
    row.pickupPointId !== claims.pickupPointId
  ) {
    throw new AppError("pickup_token_invalid");
  }
  if (row.pickupPointId !== pickupPointId) {
    throw new AppError("pickup_wrong_point");
  }
  // An older token of an extended credential carries the old expiry: refresh the code.
  if (claims.expiresAt.getTime() <= Date.now() && row.status === "live") {
    throw new AppError("pickup_credential_expired", "This QR code is out of date");
  }
  return record;
}

/** Why a credential cannot be handed over now, or null if it can. */
export function handoverRefusal(credential: CredentialRow, quantity: number): AppError | null {
  if (credential.status === "collected") {
    return new AppError("pickup_already_collected");
  }
  if (credential.status === "revoked") {
    return new AppError("pickup_credential_revoked");
  }
  if (credential.status === "expired" || credential.expiresAt.getTime() <= Date.now()) {
    return new AppError("pickup_credential_expired");
  }
  if (quantity > credential.quantity - credential.collectedQty) {
    return new AppError(
      "pickup_quantity_exceeded",
      `Only ${credential.quantity - credential.collectedQty} left to collect`,
    );
  }
  return null;
}

/**
 * Scan or type: who, what, how much is left. Refuses what an agent here may not hand over (used
 * up, expired, refunded, another point's) with the reason, so the agent can tell the trader.
 */
export async function verifyPickup(
  ctx: AppContext,
  actor: Actor,
  proof: Proof,
): Promise<TPickupCheck> {
  const pickupPointId = await agentPickupPoint(ctx.db, actor.id);
  const record = await credentialOfProof(ctx, actor.id, pickupPointId, proof);
  const refusal = handoverRefusal(record.credential, 1);
  if (refusal) {
    throw refusal;
  }
  const cash = await cashToTakeAtHandover(ctx.db, [record.credential.participationId]);
  return presentCheck(record, cash.get(record.credential.participationId) ?? null);
}

/**
 * Hands over `quantity` units of a credential, in the caller's transaction: one conditional
 * update takes them (so of two agents confirming at once exactly one succeeds), the handover is
 * recorded, the cash of a share paid at pickup is taken (its first handover must carry exactly
 * what is due), the share is `collected` when nothing remains, the order's collected count
 * moves, the group completes if that was the last unit, and the trader is told live.
 */
export async function applyHandover(
  tx: DbOrTx,
  ctx: AppContext,
  input: {
    credentialId: string;
    /** The credential's share (the caller has it: one read less on the hot path). */
    participationId: string;
    agentId: string;
    quantity: number;
    source: "online" | "offline";
    clientId?: string;
    deviceId?: string;
    occurredAt?: Date;
    /** The cash the agent took, minor units, for a share paid at pickup. */
    cashAmount?: number | undefined;
  },
): Promise<{ handoverId: string; credential: CredentialRow } | { refused: AppError }> {
  // Checked before anything is written: a refusal here leaves the caller's transaction clean.
  const [due] = (await cashToTakeAtHandover(tx, [input.participationId])).values();
  if (due && input.cashAmount !== due.amount) {
    return {
      refused: new AppError(
        "cash_amount_mismatch",
        `Take ${due.amount} (minor units, ${due.currency}) in cash before handing over`,
      ),
    };
  }
  const [credential] = await tx
    .update(pickupCredentials)
    .set({
      collectedQty: sql`${pickupCredentials.collectedQty} + ${input.quantity}`,
      status: sql`case when ${pickupCredentials.collectedQty} + ${input.quantity} >= ${pickupCredentials.quantity}
                  then 'collected' else 'live' end`,
      collectedAt: sql`case when ${pickupCredentials.collectedQty} + ${input.quantity} >= ${pickupCredentials.quantity}
                  then now() else null end`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(pickupCredentials.id, input.credentialId),
        eq(pickupCredentials.status, "live"),
        sql`${pickupCredentials.expiresAt} > now()`,
        sql`${pickupCredentials.collectedQty} + ${input.quantity} <= ${pickupCredentials.quantity}`,
      ),
    )
    .returning();
  if (!credential) {
    const [current] = await tx
      .select()
      .from(pickupCredentials)
      .where(eq(pickupCredentials.id, input.credentialId));
    return {
      refused:
        (current && handoverRefusal(current, input.quantity)) ??
        new AppError("pickup_code_invalid"),
    };
  }
  if (due) {
    await recordCashAtPickup(
      ctx,
      {
        participationId: credential.participationId,
        agentId: input.agentId,
        pickupPointId: credential.pickupPointId,
        amount: due.amount,
      },
      tx,
    );
  }
  const handoverId = newId();
  await tx.insert(pickupHandovers).values({
    id: handoverId,
    credentialId: credential.id,
    agentId: input.agentId,
    quantity: input.quantity,
    source: input.source,
    clientId: input.clientId ?? null,
    deviceId: input.deviceId ?? null,
    occurredAt: input.occurredAt ?? new Date(),
  });
  if (credential.status === "collected") {
    await markShareCollected(tx, credential.participationId);
    await enqueue(tx, "realtime.user", {
      userId: credential.traderId,
      kind: "participation",
      id: credential.participationId,
    });
    await enqueue(tx, "notify", { kind: "collected", subjectId: credential.id });
  }
  await enqueue(tx, "realtime.pickup", { credentialId: credential.id });
  // The order's row is every handover's of the group: locked last, for as short as can be. Its
  // count also decides completion: the last of two concurrent handovers waits here and sees both.
  const [order] = await tx
    .update(supplierOrders)
    .set({
      collectedQty: sql`${supplierOrders.collectedQty} + ${input.quantity}`,
      updatedAt: sql`now()`,
    })
    .where(eq(supplierOrders.groupId, credential.groupId))
    .returning({
      id: supplierOrders.id,
      collectedQty: supplierOrders.collectedQty,
      collectableQty: supplierOrders.collectableQty,
    });
  if (order && order.collectedQty >= order.collectableQty) {
    await completeIfAllCollected(tx, ctx, order.id);
  }
  return { handoverId, credential };
}
