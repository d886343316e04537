import type { TManifest, ZSyncRequest, ZSyncResponse } from "@cs/contracts";
import {
  type DbOrTx,
  isUniqueViolation,
  pickupCredentials,
  pickupHandovers,
  pickupSyncRejections,
  supplierOrders,
} from "@cs/db";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { openDispute } from "../fulfilment/disputes.ts";
import { cashToTakeAtHandover } from "../payments/cash.ts";
import { secretsOf } from "./credentials.ts";
import { applyHandover } from "./handover.ts";
import { agentPickupPoint, type CredentialRow, credentialRecords } from "./repo.ts";
import {
  OFFLINE_CODE_ITERATIONS,
  offlineCodeSalt,
  openToken,
  sameHash,
  shortCodeHash,
  tokenHash,
} from "./tokens.ts";

/** How long a downloaded manifest is good for before the app should fetch a fresh one. */
export const MANIFEST_REFRESH_HOURS = 12;

/**
 * The offline manifest of the agent's pickup point: every live credential with who and what it
 * is for, and one-way hashes to recognise a scanned token (SHA-256 of the token string) or a
 * typed code (PBKDF2, salted per point). It holds no key and no code: a stolen phone cannot make
 * a token or a code that another device or the server would accept, and every offline handover
 * is re-verified with the server's keys when it syncs.
 */
export async function buildManifest(ctx: AppContext, actor: Actor): Promise<TManifest> {
  const pickupPointId = await agentPickupPoint(ctx.db, actor.id);
  const records = await credentialRecords(
    ctx.db,
    and(eq(pickupCredentials.pickupPointId, pickupPointId), eq(pickupCredentials.status, "live")),
  );
  const cash = await cashToTakeAtHandover(
    ctx.db,
    records.map((r) => r.credential.participationId),
  );
  const now = new Date();
  return {
    pickupPointId,
    generatedAt: now.toISOString(),
    refreshBy: new Date(now.getTime() + MANIFEST_REFRESH_HOURS * 3_600_000).toISOString(),
    tokenHash: { algorithm: "SHA-256", encoding: "base64url" },
    codeHash: {
      algorithm: "PBKDF2-SHA256",
      iterations: OFFLINE_CODE_ITERATIONS,
      salt: offlineCodeSalt(pickupPointId),
      encoding: "base64url",
    },
    items: records.map(({ credential, group, traderName, traderPhone }) => ({
      credentialId: credential.id,
      traderName,
      phoneLast3: traderPhone.slice(-3),
      group: { id: group.id, code: group.code, title: group.title },
      product: { name: group.display.product.name, unit: group.display.product.unit },
      quantity: credential.quantity,
      remainingQty: credential.quantity - credential.collectedQty,
      expiresAt: credential.expiresAt.toISOString(),
      tokenHash: tokenHash(secretsOf(ctx, credential).token ?? ""),
      codeHash: credential.offlineCodeHash,
      cashDue: cash.get(credential.participationId) ?? null,
    })),
  };
}

type SyncItem = z.infer<typeof ZSyncRequest>["items"][number];
type SyncResult = z.infer<typeof ZSyncResponse>["items"][number];
type Reason = NonNullable<SyncResult["reason"]>;

/** Whether what the trader presented offline really is this credential's token or code. */
function proofMatches(
  ctx: AppContext,
  credential: CredentialRow,
  proof: SyncItem["proof"],
): boolean {
  if ("token" in proof) {
    try {
      const claims = openToken(ctx.config.pickupKeys, proof.token);
      return (
        claims.credentialId === credential.id &&
        claims.participationId === credential.participationId &&
        claims.pickupPointId === credential.pickupPointId
      );
    } catch {
      return false;
    }
  }
  return sameHash(shortCodeHash(ctx.config.pickupCodeSecret, proof.code), credential.shortCodeHash);
}

const DISPUTE_OF: Record<
  Reason,
  "double_collection" | "invalid_offline_proof" | "stale_offline_record"
> = {
  already_collected: "double_collection",
  quantity_exceeded: "double_collection",
  invalid_proof: "invalid_offline_proof",
  wrong_point: "invalid_offline_proof",
  stale: "stale_offline_record",
  cash_mismatch: "stale_offline_record",
};

/** Why a synced handover was refused, by the code `applyHandover` refused it with. */
const REFUSAL_REASONS: Partial<Record<string, Reason>> = {
  pickup_already_collected: "already_collected",
  pickup_quantity_exceeded: "quantity_exceeded",
  cash_amount_mismatch: "cash_mismatch",
};

/** Keeps a refused offline record (so re-sending it gets the same answer) and flags it to admins. */
async function reject(
  tx: DbOrTx,
  actor: Actor,
  item: SyncItem,
  credential: CredentialRow | undefined,
  reason: Reason,
  deviceId: string,
): Promise<SyncResult> {
  const disputeId = credential
    ? await openDispute(tx, {
        kind: DISPUTE_OF[reason],
        groupId: credential.groupId,
        pickupPointId: credential.pickupPointId,
        credentialId: credential.id,
        orderId: (
          await tx
            .select({ id: supplierOrders.id })
            .from(supplierOrders)
            .where(eq(supplierOrders.groupId, credential.groupId))
        )[0]?.id,
        details: {
          reason,
          agentId: actor.id,
          deviceId,
          clientId: item.clientId,
          quantity: item.quantity,
          occurredAt: item.occurredAt,
          collectedQty: credential.collectedQty,
          quantityOfShare: credential.quantity,
          status: credential.status,
        },
      })
    : null;
  await tx.insert(pickupSyncRejections).values({
    clientId: item.clientId,
    credentialId: credential?.id ?? null,
    agentId: actor.id,
    reason,
    disputeId,
  });
  return {
    clientId: item.clientId,
    result: "conflict",
    reason,
    credentialId: item.credentialId,
    remainingQty: credential ? credential.quantity - credential.collectedQty : null,
    disputeId,
  };
}

/** The answer already given to a record that was synced before, if any. */
async function previousAnswer(ctx: AppContext, item: SyncItem): Promise<SyncResult | null> {
  const [applied] = await ctx.db
    .select({ remaining: pickupCredentials.quantity, collected: pickupCredentials.collectedQty })
    .from(pickupHandovers)
    .innerJoin(pickupCredentials, eq(pickupCredentials.id, pickupHandovers.credentialId))
    .where(eq(pickupHandovers.clientId, item.clientId));
  if (applied) {
    return {
      clientId: item.clientId,
      result: "duplicate",
      reason: null,
      credentialId: item.credentialId,
      remainingQty: applied.remaining - applied.collected,
      disputeId: null,
    };
  }
  const [rejected] = await ctx.db
    .select()
    .from(pickupSyncRejections)
    .where(eq(pickupSyncRejections.clientId, item.clientId));
  return rejected
    ? {
        clientId: item.clientId,
        result: "conflict",
        reason: rejected.reason as Reason,
        credentialId: item.credentialId,
        remainingQty: null,
        disputeId: rejected.disputeId,
      }
    : null;
}

async function syncOne(
  ctx: AppContext,
  actor: Actor,
  pickupPointId: string,
  deviceId: string,
  item: SyncItem,
): Promise<SyncResult> {
  const previous = await previousAnswer(ctx, item);
  if (previous) {
    return previous;
  }
  try {
    return await ctx.db.transaction(async (tx) => {
      const [credential] = await tx
        .select()
        .from(pickupCredentials)
        .where(eq(pickupCredentials.id, item.credentialId));
      if (!credential || !proofMatches(ctx, credential, item.proof)) {
        return reject(tx, actor, item, credential, "invalid_proof", deviceId);
      }
      if (credential.pickupPointId !== pickupPointId) {
        return reject(tx, actor, item, credential, "wrong_point", deviceId);
      }
      const applied = await applyHandover(tx, ctx, {
        credentialId: credential.id,
        participationId: credential.participationId,
        agentId: actor.id,
        quantity: item.quantity,
        source: "offline",
        clientId: item.clientId,
        deviceId,
        occurredAt: new Date(item.occurredAt),
        cashAmount: item.cashAmount,
      });
      if ("refused" in applied) {
        const reason = REFUSAL_REASONS[applied.refused.code] ?? "stale";
        return reject(tx, actor, item, credential, reason, deviceId);
      }
      return {
        clientId: item.clientId,
        result: "applied" as const,
        reason: null,
        credentialId: credential.id,
        remainingQty: applied.credential.quantity - applied.credential.collectedQty,
        disputeId: null,
      };
    });
  } catch (error) {
    // The same record synced by two requests at once: the other one applied or refused it.
    if (
      isUniqueViolation(error, "pickup_handovers_client_key") ||
      isUniqueViolation(error, "pickup_sync_rejections_pkey")
    ) {
      const answer = await previousAnswer(ctx, item);
      if (answer) {
        return { ...answer, result: answer.result === "conflict" ? "conflict" : "duplicate" };
      }
    }
    throw error;
  }
}

/**
 * Applies a batch of handovers recorded offline, each in its own transaction and in the order the
 * device made them. Each answers `applied`, `duplicate` (synced before: nothing changes) or
 * `conflict` with a reason: collected already (another device, or online), more than remained,
 * a code or token that does not verify, another point's credential, or a credential no longer
 * live. Every conflict is flagged to admins as a dispute.
 */
export async function syncOfflineHandovers(
  ctx: AppContext,
  actor: Actor,
  request: z.infer<typeof ZSyncRequest>,
): Promise<z.infer<typeof ZSyncResponse>> {
  const pickupPointId = await agentPickupPoint(ctx.db, actor.id);
  const items: SyncResult[] = [];
  const ordered = [...request.items].sort(
    (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
  );
  for (const item of ordered) {
    items.push(await syncOne(ctx, actor, pickupPointId, request.deviceId, item));
  }
  if (items.length === 0) {
    throw new AppError("validation_failed", "Nothing to sync");
  }
  const byClient = new Map(items.map((i) => [i.clientId, i]));
  return { items: request.items.map((i) => byClient.get(i.clientId) as SyncResult) };
}
