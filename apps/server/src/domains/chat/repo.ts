import { chatMessages, chatReads, chatReports, chatRooms, type DbOrTx, users } from "@cs/db";
import { and, asc, desc, eq, gt, isNull, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { MessageRow } from "./presenter.ts";

/** Takes the room's next message number; the room's row stays locked until the caller commits. */
export async function nextSeq(tx: DbOrTx, groupId: string): Promise<number> {
  const [row] = await tx
    .insert(chatRooms)
    .values({ groupId, lastSeq: 1 })
    .onConflictDoUpdate({
      target: chatRooms.groupId,
      set: { lastSeq: sql`${chatRooms.lastSeq} + 1` },
    })
    .returning({ seq: chatRooms.lastSeq });
  return row?.seq as number;
}

/** Locks the room's row (making the room if need be) without taking a number; answers the last. */
export async function lockRoom(tx: DbOrTx, groupId: string): Promise<number> {
  const [row] = await tx
    .insert(chatRooms)
    .values({ groupId, lastSeq: 0 })
    .onConflictDoUpdate({ target: chatRooms.groupId, set: { lastSeq: sql`${chatRooms.lastSeq}` } })
    .returning({ seq: chatRooms.lastSeq });
  return row?.seq ?? 0;
}

/** The room's newest message number (0 when nobody has written yet). */
export async function lastSeqOf(db: DbOrTx, groupId: string): Promise<number> {
  const [row] = await db
    .select({ seq: chatRooms.lastSeq })
    .from(chatRooms)
    .where(eq(chatRooms.groupId, groupId));
  return row?.seq ?? 0;
}

const reportCount = sql<number>`(select count(*)::int from ${chatReports} r where r.message_id = ${chatMessages.id})`;

const messageColumns = {
  message: chatMessages,
  senderName: users.name,
  senderRole: users.role,
  reports: reportCount,
};

function toRow(r: {
  message: typeof chatMessages.$inferSelect;
  senderName: string | null;
  senderRole: string | null;
  reports: number;
}): MessageRow {
  return { ...r.message, senderName: r.senderName, senderRole: r.senderRole, reports: r.reports };
}

async function selectMessages(
  db: DbOrTx,
  where: SQL | undefined,
  order: "asc" | "desc",
  limit: number,
): Promise<MessageRow[]> {
  const rows = await db
    .select(messageColumns)
    .from(chatMessages)
    .leftJoin(users, eq(users.id, chatMessages.senderId))
    .where(where)
    .orderBy(order === "asc" ? asc(chatMessages.seq) : desc(chatMessages.seq))
    .limit(limit);
  return rows.map(toRow);
}

/** Messages of a room after `after` (oldest first), before `before` or the newest (newest first). */
export function pageOfMessages(
  db: DbOrTx,
  groupId: string,
  range: { after?: number | undefined; before?: number | undefined },
  limit: number,
): Promise<MessageRow[]> {
  const inRoom = eq(chatMessages.groupId, groupId);
  if (range.after !== undefined) {
    return selectMessages(db, and(inRoom, gt(chatMessages.seq, range.after)), "asc", limit);
  }
  const where =
    range.before !== undefined ? and(inRoom, lt(chatMessages.seq, range.before)) : inRoom;
  return selectMessages(db, where, "desc", limit);
}

/** The room's pinned (system) messages, newest first. */
export function pinnedMessages(db: DbOrTx, groupId: string, limit = 5): Promise<MessageRow[]> {
  return selectMessages(
    db,
    and(eq(chatMessages.groupId, groupId), eq(chatMessages.pinned, true)),
    "desc",
    limit,
  );
}

export async function findMessage(
  db: DbOrTx,
  where: SQL | undefined,
): Promise<MessageRow | undefined> {
  const [row] = await selectMessages(db, where, "asc", 1);
  return row;
}

export const byId = (groupId: string, id: string) =>
  and(eq(chatMessages.groupId, groupId), eq(chatMessages.id, id));

export const byClientId = (senderId: string, clientId: string) =>
  and(eq(chatMessages.senderId, senderId), eq(chatMessages.clientId, clientId));

/** How many messages the user sent in the last `seconds` (for the rate limit). */
export async function sentWithin(db: DbOrTx, senderId: string, seconds: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.senderId, senderId),
        sql`${chatMessages.createdAt} > now() - make_interval(secs => ${seconds})`,
      ),
    );
  return row?.n ?? 0;
}

/** The member's read marker, and how many visible messages of others lie beyond it. */
export async function readStateOf(
  db: DbOrTx,
  groupId: string,
  userId: string,
): Promise<{ lastReadSeq: number; unread: number }> {
  const [read] = await db
    .select({ seq: chatReads.lastReadSeq })
    .from(chatReads)
    .where(and(eq(chatReads.groupId, groupId), eq(chatReads.userId, userId)));
  const lastReadSeq = read?.seq ?? 0;
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.groupId, groupId),
        gt(chatMessages.seq, lastReadSeq),
        isNull(chatMessages.hiddenAt),
        or(isNull(chatMessages.senderId), ne(chatMessages.senderId, userId)),
      ),
    );
  return { lastReadSeq, unread: count?.n ?? 0 };
}

/** Moves the member's read marker forward (never back). */
export async function markReadUpTo(
  db: DbOrTx,
  groupId: string,
  userId: string,
  seq: number,
): Promise<void> {
  await db
    .insert(chatReads)
    .values({ groupId, userId, lastReadSeq: seq })
    .onConflictDoUpdate({
      target: [chatReads.groupId, chatReads.userId],
      set: {
        lastReadSeq: sql`greatest(${chatReads.lastReadSeq}, excluded.last_read_seq)`,
        updatedAt: sql`now()`,
      },
    });
}

export const byMedia = (groupId: string, mediaId: string) =>
  and(eq(chatMessages.groupId, groupId), eq(chatMessages.mediaId, mediaId));
