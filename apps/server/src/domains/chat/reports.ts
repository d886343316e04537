import type { TChatReportedMessage } from "@cs/contracts";
import { chatMessages, chatReports, type DbOrTx, groups } from "@cs/db";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { ChatViewer } from "./policy.ts";
import { presentMessage } from "./presenter.ts";
import { findMessage } from "./repo.ts";

/**
 * The moderators' queue: messages members reported that are still shown, the most recently
 * reported first, with each reporter's reason.
 */
export async function listReportedMessages(
  db: DbOrTx,
  viewer: ChatViewer,
  limit = 50,
): Promise<TChatReportedMessage[]> {
  const reported = await db
    .select({
      messageId: chatReports.messageId,
      last: sql<Date>`max(${chatReports.createdAt})`,
      reasons: sql<
        Array<string | null>
      >`array_agg(${chatReports.reason} order by ${chatReports.createdAt})`,
      groupCode: groups.code,
      groupTitle: groups.title,
    })
    .from(chatReports)
    .innerJoin(chatMessages, eq(chatMessages.id, chatReports.messageId))
    .innerJoin(groups, eq(groups.id, chatMessages.groupId))
    .where(isNull(chatMessages.hiddenAt))
    .groupBy(chatReports.messageId, groups.code, groups.title)
    .orderBy(desc(sql`max(${chatReports.createdAt})`))
    .limit(limit);
  const items: TChatReportedMessage[] = [];
  for (const row of reported) {
    const message = await findMessage(
      db,
      and(eq(chatMessages.id, row.messageId), isNull(chatMessages.hiddenAt)),
    );
    if (message) {
      items.push({
        message: presentMessage(message, viewer),
        groupCode: row.groupCode,
        groupTitle: row.groupTitle,
        reasons: (row.reasons ?? []).filter((r): r is string => typeof r === "string" && r !== ""),
        lastReportedAt: new Date(row.last).toISOString(),
      });
    }
  }
  return items;
}
