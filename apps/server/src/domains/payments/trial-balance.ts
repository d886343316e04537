import type { TCurrency, TTrialBalance } from "@cs/contracts";
import { type DbOrTx, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import { accounts, unbalancedEntries } from "./ledger.ts";

/**
 * The trial balance of the whole ledger, read in one snapshot: debits equal credits per currency
 * and no entry is out of balance, or money was created or lost somewhere. With a group, that
 * group's own accounts as well.
 */
export async function trialBalance(db: DbOrTx, groupId?: string): Promise<TTrialBalance> {
  const totals = await queryRows<{ currency: TCurrency; debits: string; credits: string }>(
    db,
    sql`select currency,
          coalesce(sum(amount) filter (where amount > 0), 0)::text as debits,
          coalesce(-sum(amount) filter (where amount < 0), 0)::text as credits
        from journal_lines group by currency order by currency`,
  );
  const kinds = await queryRows<{
    kind: string;
    currency: TCurrency;
    balance: string;
    accounts: number;
  }>(
    db,
    sql`select split_part(account, ':', 1) as kind, currency, sum(amount)::text as balance,
          count(distinct account)::int as accounts
        from journal_lines group by 1, 2 order by 1, 2`,
  );
  const own = groupId ? [accounts.escrow(groupId), accounts.cashReceivable(groupId)] : [];
  const groupAccounts = own.length
    ? await queryRows<{ account: string; currency: TCurrency; balance: string }>(
        db,
        sql`select account, currency, sum(amount)::text as balance from journal_lines
            where account in (${sql.join(
              own.map((a) => sql`${a}`),
              sql`, `,
            )})
            group by 1, 2 order by 1, 2`,
      )
    : [];
  return {
    currencies: totals.map((t) => ({
      currency: t.currency,
      debits: Number(t.debits),
      credits: Number(t.credits),
      net: Number(t.debits) - Number(t.credits),
    })),
    unbalancedEntries: (await unbalancedEntries(db)).length,
    byKind: kinds.map((k) => ({ ...k, balance: Number(k.balance) })),
    accounts: groupAccounts.map((a) => ({ ...a, balance: Number(a.balance) })),
  };
}
