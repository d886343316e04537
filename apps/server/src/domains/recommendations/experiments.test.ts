import type {
  TCreateExperimentRequest,
  TExperiment,
  TExperimentList,
  TExperimentReport,
  TRecommendationList,
} from "@cs/contracts";
import { isUniqueViolation, recommendationEvents, recommendationExperiments } from "@cs/db";
import { fitHybrid, serializeModel } from "@cs/recommender";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildAdmin, buildTrader } from "../../../test/factories.ts";
import { buildTraders, join, joinAndPay } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import {
  type RestockHistory,
  seedRestockHistory,
  trainThroughApi,
} from "../../../test/recommendations.ts";
import { newId } from "../../platform/ids.ts";
import { flushEvents } from "./events.ts";
import { insertModel } from "./repo.ts";
import { differenceInterval, wilsonInterval } from "./statistics.ts";
import { readPlatformData } from "./training-data.ts";

const BASE = "/api/v1/admin/recommendations/experiments";
/** Popularity alone: no CF, no content, no buy-again, no freshness. */
const POPULAR_ONLY = { cf: 0, content: 0, buyAgain: 0, freshness: 0, popularity: 1 };

let t: TestApp;
let admin: BuiltUser;
let analyst: BuiltUser;
let history: RestockHistory;

async function create(body: object, user: BuiltUser = admin) {
  return t.app.inject({ method: "POST", url: BASE, headers: user.authorization, payload: body });
}

async function created(body: TCreateExperimentRequest): Promise<TExperiment> {
  const response = await create(body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TExperiment>();
}

async function act(id: string, action: "start" | "stop", user: BuiltUser = admin) {
  return t.app.inject({
    method: "POST",
    url: `${BASE}/${id}/${action}`,
    headers: user.authorization,
  });
}

/** Creates and starts an experiment, runs `body`, and stops it whatever happens. */
async function whileRunning<T>(
  input: TCreateExperimentRequest,
  body: (experiment: TExperiment) => Promise<T>,
): Promise<T> {
  const experiment = await created(input);
  const started = await act(experiment.id, "start");
  expect(started.statusCode, started.body).toBe(200);
  try {
    return await body(experiment);
  } finally {
    expect((await act(experiment.id, "stop")).statusCode).toBe(200);
  }
}

async function recommendations(
  user: { authorization: { authorization: string } },
  limit = 5,
): Promise<TRecommendationList> {
  const response = await t.app.inject({
    url: `/api/v1/recommendations?limit=${limit}`,
    headers: user.authorization,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<TRecommendationList>();
}

async function click(user: { authorization: { authorization: string } }, groupId: string) {
  const response = await t.app.inject({
    method: "POST",
    url: "/api/v1/recommendations/events",
    headers: user.authorization,
    payload: { groupId, kind: "click" },
  });
  expect(response.statusCode).toBe(202);
}

/**
 * A model of the platform's history fitted without calibration, so that every signal counts and
 * the weights alone decide the mix (see `fitHybrid`): on this history a calibrated model trusts
 * one CF signal only, and re-weighting components could not reorder anything. Stored as the next
 * version (a candidate), as training would store it. Returns its version.
 */
async function storeUncalibratedModel(): Promise<number> {
  const data = await readPlatformData(t.ctx.db);
  const model = fitHybrid(data, { calibrate: false });
  const stored = await insertModel(t.ctx.db, {
    id: newId(),
    status: "candidate",
    metrics: {
      k: 10,
      ndcg: 0,
      precision: 0,
      recall: 0,
      hitRate: 0,
      users: 0,
      interactions: data.interactions.length,
      traders: model.userIds.length,
      products: model.itemIds.length,
      fitSeconds: 0,
    },
    weights: { ...model.weights },
    bytes: serializeModel(model),
  });
  return stored.version;
}

beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  admin = await buildAdmin(t);
  analyst = await buildAdmin(t, "analyst");
  history = await seedRestockHistory(t);
  const first = await trainThroughApi(t, admin);
  expect(first.outcome).toContain("activated version 1");
}, 120_000);
afterAll(() => t.close());

describe("POST /api/v1/admin/recommendations/experiments", () => {
  it("creates a draft with a pinned version and complete weights; analysts list it", async () => {
    const experiment = await created({
      name: "Popularity first",
      variants: [
        { key: "control", share: 60, modelVersion: 1 },
        { key: "popular", share: 40, weights: { popularity: 2 } },
      ],
    });
    expect(experiment).toMatchObject({
      name: "Popularity first",
      status: "draft",
      startedAt: null,
      variants: [
        { key: "control", share: 60, modelVersion: 1, weights: null },
        {
          key: "popular",
          share: 40,
          modelVersion: null,
          // The defaults fill what the admin left out: what is served is what is shown.
          weights: { cf: 0.6, content: 0.3, popularity: 2, buyAgain: 0.6, freshness: 0.05 },
        },
      ],
    });
    const list = await t.app.inject({ url: BASE, headers: analyst.authorization });
    expect(list.statusCode).toBe(200);
    expect(list.json<TExperimentList>().items.map((e) => e.id)).toContain(experiment.id);
  });

  it("refuses shares that do not sum to 100, twin keys, bad weights and unknown versions", async () => {
    const cases: Array<[object, number, string, string?]> = [
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            { key: "b", share: 40, modelVersion: 1 },
          ],
        },
        400,
        "validation_failed",
        "variants",
      ],
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            { key: "a", share: 50, modelVersion: 1 },
          ],
        },
        400,
        "validation_failed",
        "variants.1.key",
      ],
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            { key: "b", share: 50, weights: { cf: -0.1 } },
          ],
        },
        400,
        "validation_failed",
      ],
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            {
              key: "b",
              share: 50,
              weights: { cf: 0, content: 0, popularity: 0, buyAgain: 0, freshness: 0 },
            },
          ],
        },
        400,
        "validation_failed",
        "variants.1.weights",
      ],
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            { key: "b", share: 50 },
          ],
        },
        400,
        "validation_failed",
      ],
      [
        { name: "x", variants: [{ key: "a", share: 100, modelVersion: 1 }] },
        400,
        "validation_failed",
      ],
      [
        {
          name: "x",
          variants: [
            { key: "a", share: 50, modelVersion: 1 },
            { key: "b", share: 50, modelVersion: 999 },
          ],
        },
        400,
        "unknown_reference",
        "variants.1.modelVersion",
      ],
    ];
    for (const [body, status, code, path] of cases) {
      const response = await create(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      const problem = response.json<{ code: string; errors?: Array<{ path: string }> }>();
      expect(problem.code).toBe(code);
      expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
      if (path) {
        expect(
          problem.errors?.map((e) => e.path.replace(/^\/?body[./]/, "").replaceAll("/", ".")),
        ).toContain(path);
      }
    }
  });

  it("is for superadmins; analysts may only read, traders not at all", async () => {
    const body = {
      name: "x",
      variants: [
        { key: "a", share: 50, modelVersion: 1 },
        { key: "b", share: 50, weights: {} },
      ],
    };
    expect((await create(body, analyst)).statusCode).toBe(403);
    const trader = await buildTrader(t);
    expect((await create(body, trader)).statusCode).toBe(403);
    expect((await t.app.inject({ url: BASE, headers: trader.authorization })).statusCode).toBe(403);
    const draft = await created(body);
    expect((await act(draft.id, "start", analyst)).statusCode).toBe(403);
    const report = await t.app.inject({
      url: `${BASE}/${draft.id}/report`,
      headers: trader.authorization,
    });
    expect(report.statusCode).toBe(403);
  });
});

describe("starting and stopping", () => {
  const body = (name: string): TCreateExperimentRequest => ({
    name,
    variants: [
      { key: "control", share: 50, modelVersion: 1 },
      { key: "treatment", share: 50, weights: POPULAR_ONLY },
    ],
  });

  it("goes draft → running → stopped, and never back", async () => {
    const experiment = await created(body("lifecycle"));
    const started = await act(experiment.id, "start");
    expect(started.statusCode).toBe(200);
    expect(started.json<TExperiment>()).toMatchObject({ status: "running", stoppedAt: null });
    expect(started.json<TExperiment>().startedAt).not.toBeNull();
    expect((await act(experiment.id, "start")).json()).toMatchObject({
      status: 409,
      code: "invalid_transition",
    });
    const stopped = await act(experiment.id, "stop");
    expect(stopped.json<TExperiment>()).toMatchObject({ status: "stopped" });
    expect((await act(experiment.id, "start")).json()).toMatchObject({
      code: "invalid_transition",
    });
    expect((await act(experiment.id, "stop")).json()).toMatchObject({
      code: "invalid_transition",
    });
    expect((await act(newId(), "start")).statusCode).toBe(404);
  });

  it("runs one experiment at a time, even when two are started at once", async () => {
    const a = await created(body("race a"));
    const b = await created(body("race b"));
    const [ra, rb] = await Promise.all([act(a.id, "start"), act(b.id, "start")]);
    const statuses = [ra.statusCode, rb.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = ra.statusCode === 409 ? ra : rb;
    expect(loser.json()).toMatchObject({ code: "experiment_running" });
    const winner = ra.statusCode === 200 ? a : b;
    const other = winner === a ? b : a;
    // The database itself refuses a second running row, whatever code writes it.
    const direct = await t.ctx.db
      .update(recommendationExperiments)
      .set({ status: "running" })
      .where(eq(recommendationExperiments.id, other.id))
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(direct, "recommendation_experiments_one_running")).toBe(true);
    expect((await act(winner.id, "stop")).statusCode).toBe(200);
    expect((await act(other.id, "start")).statusCode).toBe(200);
    expect((await act(other.id, "stop")).statusCode).toBe(200);
  });
});

describe("GET /api/v1/recommendations while an experiment runs", () => {
  it("keeps each trader in one variant, and records it on shown and click events", async () => {
    await whileRunning(
      {
        name: "stable",
        variants: [
          { key: "control", share: 50, modelVersion: 1 },
          { key: "popular", share: 50, weights: POPULAR_ONLY },
        ],
      },
      async (experiment) => {
        const traders = history.traders.slice(0, 10);
        for (const trader of traders) {
          const lists = [];
          for (let i = 0; i < 3; i++) {
            lists.push(await recommendations(trader, 3));
          }
          const variant = lists[0]?.variant;
          expect(["control", "popular"]).toContain(variant);
          expect(lists.map((l) => l.variant)).toEqual([variant, variant, variant]);
          await click(trader, lists[0]?.items[0]?.group.id as string);
          await flushEvents(t.ctx);
          const events = await t.ctx.db
            .select()
            .from(recommendationEvents)
            .where(eq(recommendationEvents.traderId, trader.id));
          expect(events.filter((e) => e.kind === "shown")).toHaveLength(
            lists.reduce((n, l) => n + l.items.length, 0),
          );
          expect(events.filter((e) => e.kind === "click")).toHaveLength(1);
          for (const event of events) {
            expect(event).toMatchObject({ experimentId: experiment.id, variant });
          }
        }
      },
    );
    // Stopped: nobody is in a variant any more, and new events say so.
    const trader = history.traders[0] as BuiltUser;
    expect((await recommendations(trader)).variant).toBeNull();
    await flushEvents(t.ctx);
    const [latest] = await t.ctx.db
      .select()
      .from(recommendationEvents)
      .where(eq(recommendationEvents.traderId, trader.id))
      .orderBy(sql`${recommendationEvents.id} desc`)
      .limit(1);
    expect(latest).toMatchObject({ experimentId: null, variant: null });
  });

  it("splits 600 traders by the shares (within 6 standard deviations: p < 1e-8 to fail)", async () => {
    const shares = { a: 20, b: 30, c: 50 };
    const n = 600;
    const traders = await buildTraders(t, n);
    const counts = await whileRunning(
      {
        name: "shares",
        variants: Object.entries(shares).map(([key, share]) => ({ key, share, weights: {} })),
      },
      async () => {
        const out = new Map<string, number>();
        for (const trader of traders) {
          const variant = (await recommendations(trader, 1)).variant as string;
          out.set(variant, (out.get(variant) ?? 0) + 1);
        }
        return out;
      },
    );
    expect([...counts.keys()].sort()).toEqual(["a", "b", "c"]);
    for (const [key, share] of Object.entries(shares)) {
      const p = share / 100;
      const tolerance = 6 * Math.sqrt(n * p * (1 - p));
      expect(Math.abs((counts.get(key) ?? 0) - n * p), key).toBeLessThan(tolerance);
    }
  }, 120_000);

  it("serves each variant's weights: a trader's ranking changes with their variant", async () => {
    const version = await storeUncalibratedModel();
    const variants = [
      { key: "control", share: 50, modelVersion: version },
      { key: "popular", share: 50, modelVersion: version, weights: POPULAR_ONLY },
    ];
    const serve = () => Promise.all(history.traders.map((trader) => recommendations(trader, 5)));
    // Two experiments with the same variants: each shuffles the traders anew, so some traders
    // are served both variants, and the others the same one twice.
    const first = await whileRunning({ name: "ranking 1", variants }, serve);
    const second = await whileRunning({ name: "ranking 2", variants }, serve);
    const ranking = (list: TRecommendationList) =>
      list.items.map((i) => [i.group.id, i.score.toFixed(9)].join(" "));
    const switched: number[] = [];
    for (const [i, a] of first.entries()) {
      const b = second[i] as TRecommendationList;
      expect([a.modelVersion, b.modelVersion]).toEqual([version, version]);
      if (a.variant === b.variant) {
        expect(ranking(b)).toEqual(ranking(a));
      } else {
        switched.push(i);
      }
    }
    // Each of 40 traders switches with probability 1/2: none does with p = 2^-40.
    expect(switched.length).toBeGreaterThan(0);
    for (const list of [...first, ...second]) {
      expect(list.items.length).toBeGreaterThan(0);
      if (list.variant === "popular") {
        // Popularity alone decides.
        for (const item of list.items) {
          expect(item.contributions).toMatchObject({
            cf: 0,
            content: 0,
            buyAgain: 0,
            freshness: 0,
          });
          expect(item.score).toBeCloseTo(item.contributions.popularity, 12);
        }
      } else {
        // The mix: the trader's own staples and traders like them lead.
        expect(list.items[0]?.contributions.buyAgain).toBeGreaterThan(0);
      }
    }
    // A trader served both variants got two different orders, not just different scores.
    const order = (list: TRecommendationList) => list.items.map((item) => item.group.id);
    for (const i of switched) {
      expect(order(first[i] as TRecommendationList)).not.toEqual(
        order(second[i] as TRecommendationList),
      );
    }
  });
});

describe("GET /api/v1/admin/recommendations/experiments/:id/report", () => {
  it("counts a constructed scenario exactly, with Wilson intervals and differences to control", async () => {
    type Seen = {
      trader: { id: string; authorization: { authorization: string } };
      list: TRecommendationList;
    };
    const experiment = await created({
      name: "report",
      variants: [
        { key: "control", share: 50, modelVersion: 1 },
        { key: "popular", share: 50, weights: POPULAR_ONLY },
      ],
    });
    expect((await act(experiment.id, "start")).statusCode).toBe(200);
    const seen: Record<string, Seen[]> = { control: [], popular: [] };
    // New traders until each variant has four to act (the split is random, the scenario not).
    while ((seen.control?.length ?? 0) < 4 || (seen.popular?.length ?? 0) < 4) {
      for (const trader of await buildTraders(t, 4)) {
        const list = await recommendations(trader, 3);
        expect(list.items.length).toBeGreaterThanOrEqual(2);
        seen[list.variant as string]?.push({ trader, list });
      }
    }
    const [ca, cb, cc, cd] = seen.control as [Seen, Seen, Seen, Seen];
    const [pa, pb] = seen.popular as [Seen, Seen];
    const shown = (s: Seen, i: number) => s.list.items[i]?.group.id as string;
    // Control: a clicks and joins what was shown first (a join, unpaid).
    await click(ca.trader, shown(ca, 0));
    expect((await join(t, ca.trader.authorization, shown(ca, 0), 1)).statusCode).toBe(201);
    // b clicks the second twice (one clicked impression), then joins and pays for the first.
    await click(cb.trader, shown(cb, 1));
    await click(cb.trader, shown(cb, 1));
    await joinAndPay(t, cb.trader.authorization, shown(cb, 0), 1);
    // c clicks and joins a group never recommended to them: not the recommender's doing.
    const elsewhere = history.openGroups.find(
      (g) => !cc.list.items.some((item) => item.group.id === g),
    ) as string;
    await click(cc.trader, elsewhere);
    expect((await join(t, cc.trader.authorization, elsewhere, 1)).statusCode).toBe(201);
    // d was shown their list 8 days ago: today's click and join are past the 7-day window.
    await flushEvents(t.ctx);
    await t.ctx.db
      .update(recommendationEvents)
      .set({ createdAt: sql`${recommendationEvents.createdAt} - interval '8 days'` })
      .where(
        and(
          eq(recommendationEvents.traderId, cd.trader.id),
          eq(recommendationEvents.experimentId, experiment.id),
        ),
      );
    await click(cd.trader, shown(cd, 0));
    expect((await join(t, cd.trader.authorization, shown(cd, 0), 1)).statusCode).toBe(201);
    // Popular: a clicks only; b clicks, joins and pays.
    await click(pa.trader, shown(pa, 0));
    await click(pb.trader, shown(pb, 0));
    await joinAndPay(t, pb.trader.authorization, shown(pb, 0), 1);
    // A join after the stop still counts for an exposure made while the experiment ran.
    expect((await act(experiment.id, "stop")).statusCode).toBe(200);
    await flushEvents(t.ctx);

    const response = await t.app.inject({
      url: `${BASE}/${experiment.id}/report`,
      headers: analyst.authorization,
    });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<TExperimentReport>();
    const impressions = (key: string) =>
      (seen[key] ?? []).reduce((n, s) => n + new Set(s.list.items.map((i) => i.group.id)).size, 0);
    const expected = {
      control: {
        traders: seen.control?.length ?? 0,
        impressions: impressions("control"),
        clicks: 2,
        joins: 2,
        paid: 1,
        joinedTraders: 2,
        paidTraders: 1,
      },
      popular: {
        traders: seen.popular?.length ?? 0,
        impressions: impressions("popular"),
        clicks: 2,
        joins: 1,
        paid: 1,
        joinedTraders: 1,
        paidTraders: 1,
      },
    };
    expect(report).toMatchObject({
      windowDays: 7,
      control: "control",
      experiment: { id: experiment.id, status: "stopped" },
    });
    const [control, popular] = report.variants;
    for (const [key, v] of [
      ["control", control],
      ["popular", popular],
    ] as const) {
      const e = expected[key];
      expect(v, key).toMatchObject({ key, share: 50, ...e });
      expect(v?.ctr).toEqual(wilsonInterval({ successes: e.clicks, trials: e.impressions }));
      expect(v?.joinConversion).toEqual(
        wilsonInterval({ successes: e.joinedTraders, trials: e.traders }),
      );
      expect(v?.paidConversion).toEqual(
        wilsonInterval({ successes: e.paidTraders, trials: e.traders }),
      );
    }
    expect(control?.vsControl).toBeNull();
    const c = expected.control;
    const p = expected.popular;
    expect(popular?.vsControl).toEqual({
      ctr: differenceInterval(
        { successes: p.clicks, trials: p.impressions },
        { successes: c.clicks, trials: c.impressions },
      ),
      joinConversion: differenceInterval(
        { successes: p.joinedTraders, trials: p.traders },
        { successes: c.joinedTraders, trials: c.traders },
      ),
      paidConversion: differenceInterval(
        { successes: p.paidTraders, trials: p.traders },
        { successes: c.paidTraders, trials: c.traders },
      ),
    });
    const unknown = await t.app.inject({
      url: `${BASE}/${newId()}/report`,
      headers: analyst.authorization,
    });
    expect(unknown.statusCode).toBe(404);
  }, 60_000);
});

describe("variants pinned to a model version", () => {
  it("serves each variant's version while a newer one is active", async () => {
    const trained = await trainThroughApi(t, admin);
    const newest = Number(/activated version (\d+)/.exec(trained.outcome ?? "")?.[1]);
    expect(newest).toBeGreaterThan(1);
    const served = await whileRunning(
      {
        name: "versions",
        variants: [
          { key: "v1", share: 50, modelVersion: 1 },
          { key: "active", share: 50, weights: {} },
        ],
      },
      () => Promise.all(history.traders.map((trader) => recommendations(trader, 3))),
    );
    const versions = new Map(served.map((list) => [list.variant, new Set<number | null>()]));
    for (const list of served) {
      versions.get(list.variant)?.add(list.modelVersion);
    }
    expect(versions.get("v1")).toEqual(new Set([1]));
    expect(versions.get("active")).toEqual(new Set([newest]));
    expect((await recommendations(history.traders[0] as BuiltUser)).modelVersion).toBe(newest);
  }, 60_000);
});
