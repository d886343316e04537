import type { TChatPage, TChatPageQuery, TChatReadState } from "@cs/contracts";
import type { DbOrTx } from "@cs/db";
import type { ChatAccess } from "./policy.ts";
import { presentMessage } from "./presenter.ts";
import { lastSeqOf, markReadUpTo, pageOfMessages, pinnedMessages, readStateOf } from "./repo.ts";

/**
 * A page of a room, oldest first: the newest messages, older ones (`before`), or everything after
 * what the device already has (`after`, the catch-up after a reconnect: with `hasMore` the
 * device asks again from the last one it got). Numbers are gapless, so nothing is missed or
 * repeated. Comes with the pinned system messages and the reader's unread count.
 */
export async function chatPage(
  db: DbOrTx,
  access: ChatAccess,
  query: TChatPageQuery,
): Promise<TChatPage> {
  const groupId = access.group.id;
  const rows = await pageOfMessages(
    db,
    groupId,
    { after: query.after, before: query.after === undefined ? query.before : undefined },
    query.limit + 1,
  );
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (query.after === undefined) {
    page.reverse();
  }
  const [lastSeq, read, pinned] = await Promise.all([
    lastSeqOf(db, groupId),
    readStateOf(db, groupId, access.viewer.id),
    pinnedMessages(db, groupId),
  ]);
  return {
    items: page.map((row) => presentMessage(row, access.viewer)),
    hasMore,
    lastSeq,
    lastReadSeq: read.lastReadSeq,
    unread: read.unread,
    pinned: pinned.map((row) => presentMessage(row, access.viewer)),
    abilities: { moderate: access.viewer.moderator },
  };
}

/** The member has seen everything up to `seq` (clamped to the room's last message). */
export async function markChatRead(
  db: DbOrTx,
  access: ChatAccess,
  seq: number,
): Promise<TChatReadState> {
  const last = await lastSeqOf(db, access.group.id);
  await markReadUpTo(db, access.group.id, access.viewer.id, Math.min(seq, last));
  return readStateOf(db, access.group.id, access.viewer.id);
}
