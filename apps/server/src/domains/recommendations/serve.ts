import { type TRecommendation, type TTraderProfile, ZGroup, ZRecommendation } from "@cs/contracts";
import { groups } from "@cs/db";
import {
  type Explanation,
  type HybridModel,
  type Recommendation,
  recommend,
  renderExplanation,
  type TraderProfile,
  type Weights,
} from "@cs/recommender";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Actor } from "../../platform/auth/permissions.ts";
import { type Batcher, createBatcher } from "../../platform/batcher.ts";
import type { AppContext } from "../../platform/context.ts";
import { sharedRead } from "../../platform/shared-read.ts";
import { listCategories, listMarkets } from "../catalog/service.ts";
import { type GroupRow, presentGroup } from "../groups/presenter.ts";
import { currentZwgRate, groupColumns, liveGroupIdsOfEach } from "../groups/repo.ts";
import { getProfiles } from "../traders/profile.ts";
import { type Assignment, assignmentOf } from "./assignment.ts";
import { recordEvents } from "./events.ts";
import { activeModel, type LoadedModel, modelById } from "./model-cache.ts";
import { toTraderProfile } from "./training-data.ts";

/** Most open groups considered per request (the soonest to close first). */
const MAX_CANDIDATE_GROUPS = 2_000;

/**
 * What every trader's recommendations start from (the open groups, markets, categories), read
 * once for all the requests of the same moment (SEARCH_CACHE_MS, as browsing): at 2,000 open
 * groups that read was most of a request's cost. A group's progress shown here may be that
 * moment old; its own page is live.
 */
function shared<T>(ctx: AppContext, key: string, load: () => Promise<T>): Promise<T> {
  return sharedRead(ctx, "recommendation-candidates", key, ctx.config.searchCacheMs, load);
}

/** What a request needs of its trader: preferences and the groups they already have a share in. */
interface TraderState {
  preferences: TraderProfile | undefined;
  mine: Set<string>;
}

/** The trader's preferences in the recommender's terms, or undefined before onboarding. */
function preferencesOf(traderId: string, profile: TTraderProfile | undefined) {
  if (!profile) {
    return undefined;
  }
  return toTraderProfile(traderId, {
    market_id: profile.marketId,
    categories: profile.categories,
    budget_min: profile.budgetMin,
    budget_max: profile.budgetMax,
    group_sizes: profile.groupSizes,
  });
}

const stateLoaders = new WeakMap<AppContext, Batcher<string, TraderState>>();

/**
 * Each request reads its trader's state afresh (a group joined a moment ago is never
 * recommended), and requests that arrive together share the two statements that read it.
 */
function traderState(ctx: AppContext, traderId: string): Promise<TraderState> {
  let loader = stateLoaders.get(ctx);
  if (!loader) {
    loader = createBatcher({
      maxInFlight: 4,
      maxBatch: 500,
      run: async (ids) => {
        const [profiles, live] = await Promise.all([
          getProfiles(ctx.db, ids),
          liveGroupIdsOfEach(ctx.db, ids),
        ]);
        return ids.map((id) => ({
          ok: true,
          value: {
            preferences: preferencesOf(id, profiles.get(id)),
            mine: live.get(id) ?? new Set<string>(),
          },
        }));
      },
    });
    stateLoaders.set(ctx, loader);
  }
  return loader.submit(traderId);
}

/**
 * A group as every trader without a share in it sees it, checked against its schema and
 * serialised once per moment of the shared open groups (and rate): the same few hundred groups
 * fill every trader's list. Its `serverTime` is when it was first presented in that moment.
 */
const presentedJson = new WeakMap<GroupRow, { rate: number | null; open: boolean; json: string }>();

function groupJson(group: GroupRow, actor: Actor, rate: number | null): string {
  // Whether it can still be joined is as of now: a deadline passed within the moment shows.
  const open = group.status === "open" && group.deadline.getTime() > Date.now();
  const hit = presentedJson.get(group);
  if (hit && hit.rate === rate && hit.open === open) {
    return hit.json;
  }
  const json = JSON.stringify(
    ZGroup.parse(presentGroup(group, { actor, mine: null, manages: false, zwgPerUsdMicros: rate })),
  );
  presentedJson.set(group, { rate, open, json });
  return json;
}

/** One recommendation but its group, checked as the contract says. */
const ZRecommendationRest = ZRecommendation.omit({ group: true });

/** The best open group of a product for this trader: in their market first, then the fullest. */
function bestGroup(candidates: GroupRow[], market: string | undefined): GroupRow | undefined {
  const near = (g: GroupRow) => Number(g.marketIds.includes(market ?? ""));
  let best: GroupRow | undefined;
  for (const group of candidates) {
    if (
      !best ||
      near(group) - near(best) > 0 ||
      (near(group) === near(best) &&
        (group.paidQty / group.moq - best.paidQty / best.moq > 0 ||
          (group.paidQty / group.moq === best.paidQty / best.moq && group.id < best.id)))
    ) {
      best = group;
    }
  }
  return best;
}

/** The open groups of a moment by product, with each product's best group per market kept. */
interface OpenIndex {
  byProduct: Map<string, GroupRow[]>;
  productOf: Map<string, string>;
  products: string[];
  best: Map<string, GroupRow | undefined>;
}
const indexes = new WeakMap<GroupRow[], OpenIndex>();

/** Built once per shared read of the open groups, not once per request. */
function indexOf(open: GroupRow[]): OpenIndex {
  let index = indexes.get(open);
  if (!index) {
    const byProduct = new Map<string, GroupRow[]>();
    const productOf = new Map<string, string>();
    for (const group of open) {
      productOf.set(group.id, group.productId);
      const same = byProduct.get(group.productId);
      if (same) {
        same.push(group);
      } else {
        byProduct.set(group.productId, [group]);
      }
    }
    index = { byProduct, productOf, products: [...byProduct.keys()], best: new Map() };
    indexes.set(open, index);
  }
  return index;
}

/** A trader's candidates: the open groups less those they already have a share in. */
interface Candidates {
  products: string[];
  groups(productId: string): GroupRow[];
  best(productId: string, market: string | undefined): GroupRow | undefined;
}

function candidatesFor(index: OpenIndex, mine: Set<string>): Candidates {
  // Only the products of the trader's own groups (a handful) differ from the shared index.
  const touched = new Set<string>();
  for (const groupId of mine) {
    const productId = index.productOf.get(groupId);
    if (productId) {
      touched.add(productId);
    }
  }
  const groupsOf = (productId: string) => {
    const all = index.byProduct.get(productId) ?? [];
    return touched.has(productId) ? all.filter((g) => !mine.has(g.id)) : all;
  };
  return {
    products:
      touched.size === 0
        ? index.products
        : index.products.filter((p) => !touched.has(p) || groupsOf(p).length > 0),
    groups: groupsOf,
    best(productId, market) {
      if (touched.has(productId)) {
        return bestGroup(groupsOf(productId), market);
      }
      const key = `${market ?? ""}|${productId}`;
      if (!index.best.has(key)) {
        index.best.set(key, bestGroup(index.byProduct.get(productId) ?? [], market));
      }
      return index.best.get(key);
    },
  };
}

/**
 * Picks groups for ranked products: one group per product, and no supplier more than a third of
 * the list (at least 2) while other suppliers have something to show; the list is then filled
 * in rank order if diversity left it short.
 */
export function diversify<T extends { supplierId: string }>(ranked: T[], limit: number): T[] {
  return diversified(ranked, limit).picked;
}

/**
 * `diversify`, and whether its pick is the same whatever ranks below `ranked` (the list filled
 * without falling back on the skipped).
 */
function diversified<T extends { supplierId: string }>(
  ranked: T[],
  limit: number,
): { picked: T[]; settled: boolean } {
  const perSupplier = Math.max(2, Math.ceil(limit / 3));
  const counts = new Map<string, number>();
  const chosen: T[] = [];
  const skipped: T[] = [];
  for (const entry of ranked) {
    if (chosen.length >= limit) {
      break;
    }
    const n = counts.get(entry.supplierId) ?? 0;
    if (n >= perSupplier) {
      skipped.push(entry);
      continue;
    }
    counts.set(entry.supplierId, n + 1);
    chosen.push(entry);
  }
  return { picked: [...chosen, ...skipped].slice(0, limit), settled: chosen.length >= limit };
}

/**
 * `diversify` over the first `total` of a ranking that `rank(k)` gives k at a time: the model
 * explains every product it returns, so it is asked for a few times the list, and for more only
 * when one supplier's products crowd the top. The same pick as ranking every candidate, for a
 * fraction of the work at thousands of products.
 */
export function pickDiverse<T extends { supplierId: string }>(
  rank: (k: number) => T[],
  total: number,
  limit: number,
): T[] {
  for (let k = Math.min(total, limit * 3); ; k = Math.min(total, k * 4)) {
    const { picked, settled } = diversified(rank(k), limit);
    if (settled || k >= total) {
      return picked;
    }
  }
}

/**
 * What an experiment's variant serves: its pinned version (else the active one) with its
 * weights (else the model's own).
 */
async function modelFor(
  ctx: AppContext,
  active: LoadedModel | null,
  assignment: Assignment | null,
): Promise<{ loaded: LoadedModel | null; weights: Partial<Weights> | undefined }> {
  const variant = assignment?.variant;
  // Stored complete and validated when the experiment was created.
  const weights = (variant?.weights as Partial<Weights> | null) ?? undefined;
  if (!variant?.modelId || variant.modelId === active?.id) {
    return { loaded: active, weights };
  }
  return { loaded: (await modelById(ctx, variant.modelId)) ?? active, weights };
}

/**
 * "Recommended for you": the trader's top open groups by the active model (or by their variant's
 * model and weights while an experiment runs), never a group they
 * are already in nor a closed one, diverse across products and suppliers, each with its score,
 * the exact contribution of every component and the reason in the trader's language. Before any
 * model is trained, open groups are ranked by how many traders paid into them. The "shown"
 * events, with the experiment and variant, are recorded after the response, in a batch.
 *
 * Answers the response body (a `TRecommendationList`) as JSON: each group is the shared,
 * already-checked serialisation of `groupJson`, the rest of each item is checked here, so the
 * route sends the string as it is.
 */
export async function recommendGroups(
  ctx: AppContext,
  actor: Actor,
  limit: number,
  log?: FastifyBaseLogger,
): Promise<string> {
  const [active, assignment, state, open, rate, markets, categories] = await Promise.all([
    activeModel(ctx),
    assignmentOf(ctx, actor.id),
    traderState(ctx, actor.id),
    shared(ctx, "open", () =>
      ctx.db
        .select(groupColumns)
        .from(groups)
        .where(and(eq(groups.status, "open"), gt(groups.deadline, sql`now()`)))
        .orderBy(asc(groups.deadline))
        .limit(MAX_CANDIDATE_GROUPS),
    ),
    currentZwgRate(ctx.db),
    shared(ctx, "markets", () => listMarkets(ctx.db)),
    shared(ctx, "categories", () => listCategories(ctx.db)),
  ]);
  const { preferences, mine } = state;
  const { loaded, weights } = await modelFor(ctx, active, assignment);
  const byProduct = candidatesFor(indexOf(open), mine);
  let chosen: Array<Recommendation & { group: GroupRow; supplierId: string }>;
  let coldStart = preferences === undefined;
  if (loaded) {
    const rank = (k: number) => {
      const result = recommend(loaded.model, {
        userId: actor.id,
        ...(preferences ? { preferences } : {}),
        candidates: byProduct.products,
        k,
        mode: "repeat",
        ...(weights ? { weights } : {}),
      });
      coldStart = result.coldStart;
      const ranked: Array<Recommendation & { group: GroupRow; supplierId: string }> = [];
      for (const item of result.items) {
        const group = byProduct.best(item.itemId, preferences?.market);
        if (group) {
          ranked.push({ ...item, group, supplierId: group.supplierId });
        }
      }
      return ranked;
    };
    chosen = pickDiverse(rank, byProduct.products.length, limit);
  } else {
    chosen = diversify(popularityOrder(byProduct, preferences?.market), limit);
  }
  const language = actor.language;
  const marketNames = new Map(markets.map((m) => [m.id, m.name]));
  const categoryNames = new Map(categories.map((c) => [c.id, c.name[language] ?? c.name.en]));
  const items = chosen.map((entry) => {
    const params = { ...entry.explanation.params };
    if (typeof params.market === "string") {
      params.market = marketNames.get(params.market) ?? params.market;
    }
    if (typeof params.category === "string") {
      params.category = categoryNames.get(params.category) ?? params.category;
    }
    // Products behind the reason by name (a model's item text is the name, then the description).
    const names = entry.explanation.because.map((id) => nameIn(loaded?.model, id));
    if (typeof params.items === "string" && names.length > 0) {
      params.items = names.join(", ");
    }
    if (typeof params.item === "string" && names[0]) {
      params.item = names[0];
    }
    const explanation: Explanation = { ...entry.explanation, params };
    const rest: Omit<TRecommendation, "group"> = ZRecommendationRest.parse({
      score: entry.score,
      contributions: entry.contributions,
      explanation: {
        component: explanation.component,
        key: explanation.key,
        params,
        text: renderExplanation(explanation, language),
      },
    });
    return `{"group":${groupJson(entry.group, actor, rate)},${JSON.stringify(rest).slice(1)}`;
  });
  // Stamped now, not when the batch is written: a join right after must come after its exposure.
  const shownAt = new Date();
  recordEvents(
    ctx,
    chosen.map((entry, position) => ({
      traderId: actor.id,
      groupId: entry.group.id,
      productId: entry.group.productId,
      kind: "shown" as const,
      modelVersion: loaded?.version ?? null,
      experimentId: assignment?.experimentId ?? null,
      variant: assignment?.variant.key ?? null,
      position,
      createdAt: shownAt,
    })),
    log,
  );
  const tail = JSON.stringify({
    modelVersion: loaded?.version ?? null,
    coldStart,
    variant: assignment?.variant.key ?? null,
  });
  return `{"items":[${items.join(",")}],${tail.slice(1)}`;
}

/** A product's name as the model knows it: the first line of its text. */
function nameIn(model: HybridModel | undefined, id: string): string {
  const index = model?.itemIndex.get(id);
  const text = index === undefined ? undefined : model?.items[index]?.text;
  return text?.split("\n")[0] ?? id;
}

/** Before the first model: products ranked by paid traders in their open groups. */
function popularityOrder(
  byProduct: Candidates,
  market: string | undefined,
): Array<Recommendation & { group: GroupRow; supplierId: string }> {
  const out: Array<Recommendation & { group: GroupRow; supplierId: string }> = [];
  for (const itemId of byProduct.products) {
    const group = byProduct.best(itemId, market) as GroupRow;
    const score = byProduct.groups(itemId).reduce((sum, g) => sum + g.paidParticipants, 0);
    out.push({
      itemId,
      group,
      supplierId: group.supplierId,
      score,
      contributions: { cf: 0, content: 0, popularity: score, buyAgain: 0, freshness: 0 },
      explanation: {
        component: "popularity",
        key: "recommend.popularity.global",
        params: {},
        because: [],
      },
    });
  }
  return out.sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId));
}
