import {
  EXPERIMENT_WINDOW_DAYS,
  type TExperimentReport,
  type TExperimentVariantReport,
} from "@cs/contracts";
import { type DbOrTx, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import type { ExperimentRecord } from "./experiment-repo.ts";
import { presentExperiment } from "./presenter.ts";
import { differenceInterval, wilsonInterval } from "./statistics.ts";

export interface VariantCounts {
  traders: number;
  impressions: number;
  clicks: number;
  joins: number;
  paid: number;
  joinedTraders: number;
  paidTraders: number;
}

const ZERO: VariantCounts = {
  traders: 0,
  impressions: 0,
  clicks: 0,
  joins: 0,
  paid: 0,
  joinedTraders: 0,
  paidTraders: 0,
};

/**
 * An experiment's outcomes per variant, by one attribution rule: a click, join or payment of
 * trader T on group G counts for variant V when T was shown G in a recommendation under this
 * experiment and variant at most `windowDays` before it (at or after the showing). So a click or
 * join after the experiment stopped still counts for an exposure made while it ran, and an
 * outcome on a group the trader was never recommended never counts.
 * - impressions: distinct (trader, group) pairs shown (a group shown again on reload is one);
 * - clicks: impressions the trader clicked within the window;
 * - joins: shares (participations, whatever became of them) taken within the window; paid:
 *   those that were paid (`paid_at` set, refunded later or not);
 * - traders: distinct traders shown anything; joined/paid traders: with at least one join/paid.
 *
 * Like training-data.ts, this is an analytics read across domains (recommendation events and
 * groups' participations) in SQL; it writes nothing and nothing else depends on these shapes.
 */
export async function readVariantCounts(
  db: DbOrTx,
  experimentId: string,
  windowDays = EXPERIMENT_WINDOW_DAYS,
): Promise<Map<string, VariantCounts>> {
  const window = sql`make_interval(days => ${windowDays})`;
  const [shown, clicked, joined] = await Promise.all([
    queryRows<{ variant: string; traders: number; impressions: number }>(
      db,
      sql`select variant, count(distinct trader_id)::int as traders, count(*)::int as impressions
        from (
          select distinct variant, trader_id, group_id from recommendation_events
          where experiment_id = ${experimentId} and kind = 'shown'
        ) pairs
        group by variant`,
    ),
    queryRows<{ variant: string; clicks: number }>(
      db,
      sql`select variant, count(*)::int as clicks
        from (
          select distinct e.variant, e.trader_id, e.group_id
          from recommendation_events e
          join recommendation_events c on c.kind = 'click' and c.trader_id = e.trader_id
            and c.group_id = e.group_id and c.created_at >= e.created_at
            and c.created_at < e.created_at + ${window}
          where e.experiment_id = ${experimentId} and e.kind = 'shown'
        ) clicked
        group by variant`,
    ),
    queryRows<{
      variant: string;
      joins: number;
      paid: number;
      joined_traders: number;
      paid_traders: number;
    }>(
      db,
      sql`select variant, count(*)::int as joins, (count(*) filter (where paid))::int as paid,
          count(distinct trader_id)::int as joined_traders,
          (count(distinct trader_id) filter (where paid))::int as paid_traders
        from (
          select distinct e.variant, p.id, p.trader_id, p.paid_at is not null as paid
          from recommendation_events e
          join participations p on p.trader_id = e.trader_id and p.group_id = e.group_id
            and p.created_at >= e.created_at and p.created_at < e.created_at + ${window}
          where e.experiment_id = ${experimentId} and e.kind = 'shown'
        ) joined
        group by variant`,
    ),
  ]);
  const counts = new Map<string, VariantCounts>();
  const of = (variant: string) => {
    const entry = counts.get(variant) ?? { ...ZERO };
    counts.set(variant, entry);
    return entry;
  };
  for (const row of shown) {
    Object.assign(of(row.variant), { traders: row.traders, impressions: row.impressions });
  }
  for (const row of clicked) {
    of(row.variant).clicks = row.clicks;
  }
  for (const row of joined) {
    Object.assign(of(row.variant), {
      joins: row.joins,
      paid: row.paid,
      joinedTraders: row.joined_traders,
      paidTraders: row.paid_traders,
    });
  }
  return counts;
}

/** The rates of one variant's counts, with their 95% intervals. */
function ratesOf(c: VariantCounts) {
  return {
    ctr: wilsonInterval({ successes: c.clicks, trials: c.impressions }),
    joinConversion: wilsonInterval({ successes: c.joinedTraders, trials: c.traders }),
    paidConversion: wilsonInterval({ successes: c.paidTraders, trials: c.traders }),
  };
}

/**
 * Builds the report of counted outcomes: each variant's rates with Wilson intervals and, beside
 * every variant but the control (the first), the difference to the control with its interval.
 * Conversion is per trader, the unit traders are randomised by, so its intervals are sound; CTR
 * is per impression, and impressions of one trader are not independent, so read its interval as
 * somewhat optimistic when traders see many groups.
 */
export function buildReport(
  experiment: ExperimentRecord,
  counts: Map<string, VariantCounts>,
  now = new Date(),
): TExperimentReport {
  const control = experiment.variants[0];
  const controlCounts = (control && counts.get(control.key)) || ZERO;
  const variants: TExperimentVariantReport[] = experiment.variants.map((v, i) => {
    const c = counts.get(v.key) ?? ZERO;
    const vs = (successes: keyof VariantCounts, trials: keyof VariantCounts) =>
      differenceInterval(
        { successes: c[successes], trials: c[trials] },
        { successes: controlCounts[successes], trials: controlCounts[trials] },
      );
    return {
      key: v.key,
      share: v.share,
      ...c,
      ...ratesOf(c),
      vsControl:
        i === 0
          ? null
          : {
              ctr: vs("clicks", "impressions"),
              joinConversion: vs("joinedTraders", "traders"),
              paidConversion: vs("paidTraders", "traders"),
            },
    };
  });
  return {
    experiment: presentExperiment(experiment),
    windowDays: EXPERIMENT_WINDOW_DAYS,
    control: control?.key ?? "",
    variants,
    generatedAt: now.toISOString(),
  };
}

/** The experiment's report as of now. */
export async function experimentReport(
  ctx: AppContext,
  experiment: ExperimentRecord,
): Promise<TExperimentReport> {
  return buildReport(experiment, await readVariantCounts(ctx.db, experiment.id));
}
