// Bulk data for the group-buying benchmarks, written straight into PostgreSQL with the same
// columns and shapes as apps/server/src/domains/groups/create-group.ts (display, tiers,
// search_vector, market_ids), on top of the demo world (markets, pickup points, categories,
// suppliers, products) that the server seeds on an empty database.
import { SignJWT } from "jose";
import { v7 as uuidv7 } from "uuid";
import { log } from "./lib.mjs";

/** A small deterministic generator (mulberry32): the same data on every run. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** What the demo seed created and the benchmarks build on. */
export async function loadWorld(pool) {
  const products = (
    await pool.query(`
      select p.id, p.name, p.description, p.unit, p.currency, p.unit_price::int as unit_price,
        p.images, p.supplier_id, s.business_name as supplier_name, s.market_id as supplier_market,
        p.category_id, c.name as category_name,
        coalesce((select json_agg(json_build_object('minQty', t.min_qty, 'unitPrice', t.unit_price::int)
          order by t.min_qty) from product_tiers t where t.product_id = p.id), '[]'::json) as tiers
      from products p join suppliers s on s.id = p.supplier_id join categories c on c.id = p.category_id
      where p.active order by p.name, p.id`)
  ).rows;
  const points = (
    await pool.query(
      'select id, name, market_id as "marketId", address, hours from pickup_points order by name',
    )
  ).rows;
  const categories = (await pool.query("select id, name from categories order by id")).rows;
  const markets = (await pool.query("select id, name from markets order by id")).rows;
  const admin = (
    await pool.query(
      "select id from users where role = 'admin' and staff_role = 'superadmin' order by created_at limit 1",
    )
  ).rows[0];
  const trader = (await pool.query("select password_hash from users where role = 'trader' limit 1"))
    .rows[0];
  const codes = new Set((await pool.query("select code from groups")).rows.map((r) => r.code));
  if (products.length === 0 || points.length === 0 || !admin || !trader) {
    throw new Error("the demo world is missing: did the server seed the database?");
  }
  return {
    products,
    points,
    categories,
    markets,
    adminId: admin.id,
    passwordHash: trader.password_hash,
    codes,
  };
}

const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
let codeCounter = 0;
function nextCode(world) {
  for (;;) {
    let n = codeCounter++;
    let code = "";
    for (let i = 0; i < 6; i++) {
      code = CODE_ALPHABET[n % 32] + code;
      n = Math.floor(n / 32);
    }
    code = `B${code.slice(1)}`;
    if (!world.codes.has(code)) {
      world.codes.add(code);
      return code;
    }
  }
}

function priceForQuantity(tiers, quantity) {
  let price = tiers[0].unitPrice;
  for (const tier of tiers) {
    if (quantity >= tier.minQty) {
      price = tier.unitPrice;
    }
  }
  return price;
}

/**
 * One group row as create-group.ts would write it. `spec` gives the product, pickup points and
 * the numbers; everything else (display, search text, market ids, tiers, price) follows.
 */
function groupRow(world, spec) {
  const product = spec.product;
  const tiers =
    spec.tiers ??
    (product.tiers.length > 0 ? product.tiers : [{ minQty: 1, unitPrice: product.unit_price }]);
  const title = spec.title ?? product.name;
  const points = spec.points;
  const catName = product.category_name;
  return {
    id: spec.id ?? uuidv7(),
    code: nextCode(world),
    product_id: product.id,
    supplier_id: product.supplier_id,
    category_id: product.category_id,
    created_by: world.adminId,
    title,
    status: spec.status ?? "open",
    currency: product.currency,
    moq: spec.moq,
    cap: spec.cap ?? null,
    min_per_trader: spec.minPerTrader ?? 1,
    max_per_trader: spec.maxPerTrader ?? null,
    deadline: spec.deadline.toISOString(),
    held_qty: spec.heldQty ?? 0,
    paid_qty: spec.paidQty ?? 0,
    paid_participants: spec.paidParticipants ?? 0,
    current_unit_price: priceForQuantity(tiers, spec.paidQty ?? 0),
    final_unit_price: spec.finalUnitPrice ?? null,
    tiers,
    display: {
      product: {
        id: product.id,
        name: product.name,
        unit: product.unit,
        description: product.description,
        image: product.images?.[0] ?? null,
      },
      supplier: { id: product.supplier_id, name: product.supplier_name },
      category: { id: product.category_id, name: catName },
      pickupPoints: points.map((p) => ({
        id: p.id,
        name: p.name,
        marketId: p.marketId,
        address: p.address,
        hours: p.hours,
      })),
    },
    sa: `${title} ${product.name}`,
    sb: `${catName.en} ${catName.sn} ${catName.nd} ${product.supplier_name}`,
    sc: `${product.description} ${points.map((p) => p.name).join(" ")}`,
    market_ids: [...new Set(points.map((p) => p.marketId))],
    opened_at: spec.status === "draft" ? null : spec.createdAt.toISOString(),
    closed_at: spec.closedAt ? spec.closedAt.toISOString() : null,
    created_at: spec.createdAt.toISOString(),
  };
}

const INSERT_GROUPS = `
insert into groups (id, code, product_id, supplier_id, category_id, created_by, title, status,
  currency, moq, cap, min_per_trader, max_per_trader, deadline, held_qty, paid_qty,
  paid_participants, current_unit_price, final_unit_price, tiers, display, search_vector,
  market_ids, opened_at, closed_at, created_at, updated_at)
select x.id, x.code, x.product_id, x.supplier_id, x.category_id, x.created_by, x.title, x.status,
  x.currency, x.moq, x.cap, x.min_per_trader, x.max_per_trader, x.deadline, x.held_qty, x.paid_qty,
  x.paid_participants, x.current_unit_price, x.final_unit_price, x.tiers, x.display,
  setweight(to_tsvector('simple', x.sa), 'A') || setweight(to_tsvector('simple', x.sb), 'B')
    || setweight(to_tsvector('simple', x.sc), 'C'),
  x.market_ids, x.opened_at, x.closed_at, x.created_at, x.created_at
from jsonb_to_recordset($1::jsonb) as x(id uuid, code text, product_id uuid, supplier_id uuid,
  category_id text, created_by uuid, title text, status text, currency text, moq int, cap int,
  min_per_trader int, max_per_trader int, deadline timestamptz, held_qty int, paid_qty int,
  paid_participants int, current_unit_price bigint, final_unit_price bigint, tiers jsonb,
  display jsonb, sa text, sb text, sc text, market_ids text[], opened_at timestamptz,
  closed_at timestamptz, created_at timestamptz)`;

/** Inserts groups (and their group_pickup_points) in batches; returns the rows written. */
export async function insertGroups(pool, world, specs) {
  const rows = specs.map((spec) => groupRow(world, spec));
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query(INSERT_GROUPS, [JSON.stringify(batch)]);
      const groupIds = [];
      const pointIds = [];
      for (const row of batch) {
        for (const point of row.display.pickupPoints) {
          groupIds.push(row.id);
          pointIds.push(point.id);
        }
      }
      await client.query(
        "insert into group_pickup_points (group_id, pickup_point_id) select * from unnest($1::uuid[], $2::uuid[])",
        [groupIds, pointIds],
      );
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  return rows;
}

const TITLES = [
  (p) => p.name,
  (p) => p.name,
  (p, m) => `${p.name} bulk buy, ${m}`,
  (p) => `${p.name} for the month`,
  (p, m) => `${m} traders: ${p.name}`,
  (p) => `Wholesale ${p.name.toLowerCase()}`,
];

const STATUS_MIX = [
  ["open", 0.8],
  ["funded", 0.07],
  ["expired", 0.05],
  ["completed", 0.04],
  ["cancelled", 0.04],
];

function pickStatus(random) {
  let roll = random.next();
  for (const [status, share] of STATUS_MIX) {
    roll -= share;
    if (roll < 0) {
      return status;
    }
  }
  return "open";
}

/** Pickup points near the supplier first, plus a few elsewhere: 1 to 3 of them. */
function pickPoints(world, random, product) {
  const near = world.points.filter((p) => p.marketId === product.supplier_market);
  const chosen = new Set();
  if (near.length > 0 && random.chance(0.7)) {
    chosen.add(random.pick(near));
  }
  const want = random.int(1, 3);
  while (chosen.size < want) {
    chosen.add(random.pick(world.points));
  }
  return [...chosen];
}

/**
 * The search corpus: `count` groups over every product, market and category, 80% open (the rest
 * funded, expired, completed or cancelled), deadlines from an hour to three weeks away (closed
 * ones in the past), created over the last month, progress from nothing to past the MOQ.
 */
export async function seedSearchGroups(pool, world, count, seed = 42) {
  const random = createRandom(seed);
  const now = Date.now();
  const hour = 3_600_000;
  const specs = [];
  for (let i = 0; i < count; i++) {
    const product = random.pick(world.products);
    const points = pickPoints(world, random, product);
    const status = pickStatus(random);
    const moq = random.pick([20, 30, 50, 50, 100, 100, 200, 500]);
    const cap = random.chance(0.5) ? moq * random.int(2, 5) : null;
    // Progress: many groups barely started, some near or past the MOQ.
    const shape = random.next();
    const target =
      status === "open"
        ? Math.floor(moq * (shape < 0.4 ? shape * 0.5 : shape < 0.85 ? shape : 1 + shape * 0.3))
        : status === "expired" || status === "cancelled"
          ? Math.floor(moq * shape * 0.8)
          : moq + Math.floor(moq * shape * 0.5);
    const limit = cap ?? Number.MAX_SAFE_INTEGER;
    const paidQty = Math.min(target, limit);
    const heldQty =
      status === "open" ? Math.min(random.int(0, Math.ceil(moq / 10)), limit - paidQty) : 0;
    const perTrader = random.int(1, 6);
    const createdAt = new Date(now - random.int(1, 30 * 24) * hour - random.int(0, hour));
    const deadline =
      status === "open"
        ? new Date(now + hour + Math.floor(random.next() ** 2 * 21 * 24 * hour))
        : new Date(Math.min(now - hour, createdAt.getTime() + random.int(24, 14 * 24) * hour));
    const marketName =
      world.markets.find((m) => m.id === points[0].marketId)?.name ?? points[0].marketId;
    specs.push({
      product,
      points,
      status,
      moq,
      cap,
      minPerTrader: random.chance(0.8) ? 1 : random.int(2, 5),
      maxPerTrader: random.chance(0.6) ? null : random.int(10, 100),
      deadline,
      heldQty,
      paidQty,
      paidParticipants: Math.ceil(paidQty / perTrader),
      createdAt,
      closedAt: status === "open" ? null : deadline,
      title: random.pick(TITLES)(product, marketName),
    });
  }
  // Final prices for closed groups that reached their MOQ: the tier of their paid quantity.
  for (const spec of specs) {
    if (spec.status === "funded" || spec.status === "completed") {
      const tiers =
        spec.product.tiers.length > 0
          ? spec.product.tiers
          : [{ minQty: 1, unitPrice: spec.product.unit_price }];
      spec.finalUnitPrice = priceForQuantity(tiers, spec.paidQty);
    }
  }
  const started = performance.now();
  const rows = await insertGroups(pool, world, specs);
  await pool.query("analyze groups; analyze group_pickup_points");
  log(
    `seeded ${rows.length} search groups in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return rows;
}

/** A single open group for the join and progress benchmarks. */
export async function createOpenGroup(pool, world, { moq, cap, title, hours = 3, tiers, product }) {
  const chosen = product ?? world.products[0];
  const [row] = await insertGroups(pool, world, [
    {
      product: chosen,
      points: world.points.slice(0, 2),
      status: "open",
      moq,
      cap,
      tiers,
      title,
      deadline: new Date(Date.now() + hours * 3_600_000),
      createdAt: new Date(),
    },
  ]);
  return row;
}

/** Many open groups at once (the spread-joins benchmark). */
export async function createOpenGroups(pool, world, count, { moq, cap, hours = 3 }) {
  const random = createRandom(7);
  const specs = Array.from({ length: count }, (_, i) => {
    const product = world.products[i % world.products.length];
    return {
      product,
      points: pickPoints(world, random, product),
      status: "open",
      moq,
      cap,
      title: `${product.name} spread ${i}`,
      deadline: new Date(Date.now() + hours * 3_600_000),
      createdAt: new Date(),
    };
  });
  const rows = await insertGroups(pool, world, specs);
  await pool.query("analyze groups");
  return rows;
}

/**
 * `count` verified traders in one statement (phones +26371xxxxxxx, outside the demo's range),
 * with the demo's password hash. Returns their ids in a stable order.
 */
export async function createTraders(pool, world, count) {
  const started = performance.now();
  await pool.query(
    `insert into users (id, phone, name, password_hash, language, role, phone_verified_at)
     select gen_random_uuid(), '+26371' || lpad(g::text, 7, '0'), 'Bench Trader ' || g, $1,
       (array['en','sn','sn','nd'])[1 + g % 4], 'trader', now()
     from generate_series(1, $2::int) g`,
    [world.passwordHash, count],
  );
  await pool.query("analyze users");
  const { rows } = await pool.query(
    "select id from users where phone like '+26371%' and name like 'Bench Trader %' order by phone",
  );
  log(`created ${rows.length} traders in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return rows.map((r) => r.id);
}

/**
 * Access tokens exactly as apps/server/src/platform/auth/tokens.ts signs them (HS256, issuer
 * connectsphere, audience connectsphere-api, sub = user id), valid for three hours.
 */
export async function signTokens(secret, userIds) {
  const started = performance.now();
  const key = new TextEncoder().encode(secret);
  const tokens = new Array(userIds.length);
  for (let i = 0; i < userIds.length; i++) {
    tokens[i] = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userIds[i])
      .setIssuer("connectsphere")
      .setAudience("connectsphere-api")
      .setIssuedAt()
      .setExpirationTime("3h")
      .sign(key);
  }
  log(
    `signed ${tokens.length} access tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return tokens;
}
