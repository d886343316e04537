import { brotliCompressSync, gzipSync, constants as zlibConstants } from "node:zlib";
import { ZGroupList, type ZGroupSearchQuery } from "@cs/contracts";
import { groups } from "@cs/db";
import { and, asc, desc, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "../../platform/auth/permissions.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { sharedRead } from "../../platform/shared-read.ts";
import { supplierIdsOfUser } from "../catalog/service.ts";
import { type GroupRow, type ParticipationRow, presentGroup } from "./presenter.ts";
import { currentZwgRate, groupColumns, liveParticipationsOf } from "./repo.ts";

type SearchQuery = z.output<typeof ZGroupSearchQuery>;
type TGroupList = z.output<typeof ZGroupList>;
type Sort = SearchQuery["sort"];

const progress = sql<number>`(${groups.paidQty} * 100 / ${groups.moq})`;

/** Each sort: its key (for ordering and for the keyset cursor) and direction. */
const SORTS: Record<
  Sort,
  { key: SQL; dir: "asc" | "desc"; value: (g: GroupRow) => string | number }
> = {
  ending_soon: { key: sql`${groups.deadline}`, dir: "asc", value: (g) => g.deadline.toISOString() },
  progress: { key: progress, dir: "desc", value: (g) => Math.floor((g.paidQty * 100) / g.moq) },
  newest: { key: sql`${groups.createdAt}`, dir: "desc", value: (g) => g.createdAt.toISOString() },
  price: { key: sql`${groups.currentUnitPrice}`, dir: "asc", value: (g) => g.currentUnitPrice },
};

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

function decodeCursor(cursor: string): [string | number, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === "string" &&
      ["string", "number"].includes(typeof parsed[0])
    ) {
      return parsed as [string | number, string];
    }
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "Invalid cursor", {
    errors: [{ path: "cursor", message: "not a cursor from this API" }],
  });
}

/** Words of the query as prefix terms (`maiz` finds "maize"), joined with AND; null if none. */
export function toPrefixQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length > 0
    ? words
        .slice(0, 8)
        .map((w) => `${w}:*`)
        .join(" & ")
    : null;
}

const CACHE_ENTRIES = 500;

/**
 * A page of public results as everyone without a share in it sees it: the rows (for the
 * personal views), the response checked against its schema once, and its JSON and compressed
 * forms, each made the first time it is asked for. Its `serverTime` is when the page was made,
 * at most SEARCH_CACHE_MS ago.
 */
export class SharedPage {
  readonly json: string;
  private readonly encoded = new Map<"br" | "gzip", Buffer>();

  constructor(
    readonly rows: GroupRow[],
    readonly limit: number,
    readonly sort: Sort,
    readonly zwgPerUsdMicros: number | null,
  ) {
    this.json = JSON.stringify(ZGroupList.parse(pageOf(this, null, new Map(), () => false)));
  }

  /** The body in the encoding asked for (`br` or `gzip`), compressed once per page. */
  encode(encoding: "br" | "gzip"): Buffer {
    let body = this.encoded.get(encoding);
    if (!body) {
      body =
        encoding === "br"
          ? brotliCompressSync(this.json, {
              params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 },
            })
          : gzipSync(this.json, { level: 6 });
      this.encoded.set(encoding, body);
    }
    return body;
  }
}

function pageOf(
  shared: SharedPage,
  actor: Actor | null,
  mine: Map<string, ParticipationRow>,
  manages: (group: GroupRow) => boolean,
): TGroupList {
  const page = shared.rows.slice(0, shared.limit);
  const last = page.at(-1);
  return {
    items: page.map((group) =>
      presentGroup(group, {
        actor,
        mine: mine.get(group.id) ?? null,
        manages: manages(group),
        zwgPerUsdMicros: shared.zwgPerUsdMicros,
      }),
    ),
    nextCursor:
      shared.rows.length > shared.limit && last
        ? encodeCursor(SORTS[shared.sort].value(last), last.id)
        : null,
  };
}

/**
 * Public search results, shared for a moment: the same browse page asked for by many traders in
 * the same second is read, presented and compressed once. Personal fields (my share, what I
 * manage) are added after, per viewer. The window is SEARCH_CACHE_MS (1 s by default; 0 turns
 * it off); live progress on a group's own page comes over the socket, not from here.
 */
function sharedResults(
  ctx: AppContext,
  key: string,
  load: () => Promise<SharedPage>,
): Promise<SharedPage> {
  return sharedRead(ctx, "search", key, ctx.config.searchCacheMs, load, CACHE_ENTRIES);
}

/**
 * Finds groups: full-text search over title, product, category (three languages), supplier and
 * pickup points, with filters and keyset pagination on the chosen sort. Drafts never appear.
 */
export async function searchGroups(
  ctx: AppContext,
  actor: Actor | null,
  query: SearchQuery,
): Promise<{ shared: SharedPage; list: null } | { shared: null; list: TGroupList }> {
  const sort = SORTS[query.sort];
  const filters: SQL[] = [eq(groups.status, query.status ?? "open")];
  if (query.status === "draft") {
    // Drafts are seen only by those who manage them: a supplier's owner and managers see their
    // own; admins who manage groups see all; anyone else sees none.
    const adminSees =
      actor?.role === "admin" &&
      (actor.staffRole === "superadmin" || actor.staffRole === "moderator");
    if (!adminSees) {
      const mine =
        actor?.role === "supplier" && (actor.staffRole === "owner" || actor.staffRole === "manager")
          ? await supplierIdsOfUser(ctx.db, actor.id)
          : [];
      filters.push(mine.length > 0 ? inArray(groups.supplierId, mine) : sql`false`);
    }
  }
  const prefix = query.q ? toPrefixQuery(query.q) : null;
  if (prefix) {
    filters.push(sql`${groups.searchVector} @@ to_tsquery('simple', ${prefix})`);
  }
  if (query.category) {
    filters.push(eq(groups.categoryId, query.category));
  }
  if (query.market) {
    filters.push(sql`${groups.marketIds} @> array[${query.market}]::text[]`);
  }
  if (query.pickupPoint) {
    filters.push(
      sql`exists (select 1 from group_pickup_points gp where gp.group_id = ${groups.id} and gp.pickup_point_id = ${query.pickupPoint})`,
    );
  }
  if (query.supplier) {
    filters.push(eq(groups.supplierId, query.supplier));
  }
  if (query.priceMin !== undefined) {
    filters.push(gte(groups.currentUnitPrice, query.priceMin));
  }
  if (query.priceMax !== undefined) {
    filters.push(lte(groups.currentUnitPrice, query.priceMax));
  }
  if (query.endsAfter) {
    filters.push(gte(groups.deadline, new Date(query.endsAfter)));
  }
  if (query.endsBefore) {
    filters.push(lte(groups.deadline, new Date(query.endsBefore)));
  }
  if (query.minProgress !== undefined) {
    filters.push(sql`${groups.paidQty} * 100 >= ${query.minProgress} * ${groups.moq}`);
  }
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor);
    const op = sort.dir === "asc" ? sql`>` : sql`<`;
    const typed =
      query.sort === "ending_soon" || query.sort === "newest"
        ? sql`${value}::timestamptz`
        : sql`${value}::bigint`;
    filters.push(sql`(${sort.key}, ${groups.id}) ${op} (${typed}, ${id}::uuid)`);
  }
  const order =
    sort.dir === "asc" ? [asc(sort.key), asc(groups.id)] : [desc(sort.key), desc(groups.id)];
  const load = async () => {
    const [rows, rate] = await Promise.all([
      ctx.db
        .select(groupColumns)
        .from(groups)
        .where(and(...filters))
        .orderBy(...order)
        .limit(query.limit + 1),
      currentZwgRate(ctx.db),
    ]);
    return new SharedPage(rows, query.limit, query.sort, rate);
  };
  // Drafts differ per viewer; every other result is the same for everyone and may be shared.
  const shared =
    query.status === "draft" ? await load() : await sharedResults(ctx, JSON.stringify(query), load);
  const ids = shared.rows.slice(0, query.limit).map((g) => g.id);
  const [mine, managed] = await Promise.all([
    actor?.role === "trader" ? liveParticipationsOf(ctx.db, actor.id, ids) : new Map(),
    actor?.role === "supplier"
      ? supplierIdsOfUser(ctx.db, actor.id)
      : Promise.resolve([] as string[]),
  ]);
  const adminManages =
    actor?.role === "admin" &&
    (actor.staffRole === "superadmin" || actor.staffRole === "moderator");
  const supplierManages = actor?.staffRole === "owner" || actor?.staffRole === "manager";
  // A trader with no share on the page sees exactly what a visitor sees.
  if (actor === null || (actor.role === "trader" && mine.size === 0)) {
    return { shared, list: null };
  }
  return {
    shared: null,
    list: pageOf(
      shared,
      actor,
      mine,
      (group) => adminManages || (supplierManages && managed.includes(group.supplierId)),
    ),
  };
}
