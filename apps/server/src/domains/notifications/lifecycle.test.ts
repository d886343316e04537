import type { TJoinGroupResponse, TLanguage } from "@cs/contracts";
import { notificationDeliveries, pickupPoints, supplierOrders, users } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChannelTestApp,
  createChannelTestApp,
  notificationsOf,
} from "../../../test/channels.ts";
import { type BuiltUser, buildTrader } from "../../../test/factories.ts";
import { buildPickupAgent, buildSupplierMember, myPickups } from "../../../test/fulfilment.ts";
import { buildGroup, decideCheckout, join, passDeadline } from "../../../test/groups.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { send } from "../../../test/http.ts";
import { waitFor } from "../../../test/payments.ts";
import { closeGroupIfDue } from "../groups/close-group.ts";

interface Cast {
  traders: { user: BuiltUser; language: TLanguage; email: string | null }[];
  supplier: BuiltUser;
  codes: string[];
  groupCode: string;
}

/**
 * A group's whole life through the real routes: three traders (English with email, Shona with
 * WhatsApp, Ndebele) join and pay, the price drops a tier, the group is funded, the supplier
 * accepts, the goods are checked in, each trader gets a pickup code and collects.
 */
async function liveAGroup(t: TestApp): Promise<Cast> {
  const points = (await t.ctx.db.select({ id: pickupPoints.id }).from(pickupPoints).limit(1)).map(
    (p) => p.id,
  );
  const group = await buildGroup(t, { moq: 5, pickupPointIds: points });
  const supplier = await buildSupplierMember(t, group.supplierId);
  const cast: Cast = { traders: [], supplier, codes: [], groupCode: group.code };
  const plan: [TLanguage, number, "email" | "whatsapp" | null][] = [
    ["en", 4, "email"],
    ["sn", 6, "whatsapp"],
    ["nd", 3, null],
  ];
  for (const [language, quantity, extra] of plan) {
    const user = await buildTrader(t, { language });
    const email = extra === "email" ? `trader-${user.id.slice(0, 8)}@example.com` : null;
    if (email) {
      await t.ctx.db.update(users).set({ email }).where(eq(users.id, user.id));
    }
    if (extra === "whatsapp") {
      const prefs = await send(t, "PUT", "/api/v1/notifications/preferences", {
        headers: user.authorization,
        body: {
          channels: Object.fromEntries(
            ["groups", "payments", "orders", "pickup"].map((g) => [g, { whatsapp: true }]),
          ),
        },
      });
      expect(prefs.statusCode).toBe(200);
    }
    const response = await join(t, user.authorization, group.id, quantity, {
      pickupPointId: points[0],
    });
    expect(response.statusCode, response.body).toBe(201);
    await decideCheckout(t, response.json<TJoinGroupResponse>());
    await t.drainOutbox();
    cast.traders.push({ user, language, email });
  }
  await passDeadline(t, group.id);
  expect(await closeGroupIfDue(t.ctx, group.id)).toBe("funded");
  await t.drainOutbox();
  const [order] = await t.ctx.db
    .select()
    .from(supplierOrders)
    .where(eq(supplierOrders.groupId, group.id));
  const accepted = await send(t, "POST", `/api/v1/orders/${order?.id}/accept`, {
    headers: supplier.authorization,
    body: { deliveryDate: "2026-12-18" },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  await t.drainOutbox();
  const agent = await buildPickupAgent(t, points[0] as string);
  const received = await send(t, "POST", `/api/v1/pickup/deliveries/${order?.id}/receive`, {
    headers: agent.authorization,
    body: { receivedQty: 13, condition: "good" },
  });
  expect(received.statusCode, received.body).toBe(200);
  await t.drainOutbox();
  for (const { user } of cast.traders) {
    const [pickup] = await myPickups(t, user);
    cast.codes.push(pickup?.shortCode as string);
    const done = await send(t, "POST", "/api/v1/pickup/handovers", {
      headers: agent.authorization,
      body: { code: pickup?.shortCode },
    });
    expect(done.statusCode, done.body).toBe(200);
  }
  await t.drainOutbox();
  return cast;
}

const TRADER_KINDS = [
  "joined",
  "payment_confirmed",
  "tier_dropped",
  "group_funded",
  "order_accepted",
  "ready_for_pickup",
  "collected",
];

/** The Ndebele trader joined after the price had dropped: nothing to tell them about it. */
const kindsFor = (language: TLanguage) =>
  language === "nd" ? TRADER_KINDS.filter((k) => k !== "tier_dropped") : TRADER_KINDS;

/** The first words of a few texts in each language: enough to know the language is right. */
const OPENINGS: Record<TLanguage, Record<string, RegExp>> = {
  en: {
    joined: /^ConnectSphere: you joined group/,
    ready_for_pickup: /^ConnectSphere: your \w+ goods are ready/,
  },
  sn: {
    joined: /^ConnectSphere: wapinda muboka/,
    ready_for_pickup: /^ConnectSphere: zvinhu zvako zve\w+ zvagadzirira/,
  },
  nd: {
    joined: /^ConnectSphere: ungene eqenjini/,
    ready_for_pickup: /^ConnectSphere: izimpahla zakho ze\w+ zilungile/,
  },
};

describe("a group's life, as its people hear it", () => {
  describe("through the providers' real APIs (local fakes)", () => {
    let c: ChannelTestApp;
    let cast: Cast;
    beforeAll(async () => {
      c = await createChannelTestApp();
      cast = await liveAGroup(c.t);
    });
    afterAll(async () => {
      await c.close();
    });

    it("texts every trader each step in their language, the pickup code included", async () => {
      for (const [i, { user, language }] of cast.traders.entries()) {
        const kinds = kindsFor(language);
        const texts = c.at.messages.filter((m) => m.to === user.phone).map((m) => m.message);
        expect(texts, language).toHaveLength(kinds.length);
        expect(texts[0]).toMatch(OPENINGS[language].joined as RegExp);
        const code = texts[kinds.indexOf("ready_for_pickup")];
        expect(code).toMatch(OPENINGS[language].ready_for_pickup as RegExp);
        expect(code).toContain(cast.codes[i]);
        expect((await notificationsOf(c.t, user.id)).map((n) => n.kind)).toEqual(kinds);
      }
    });

    it("emails the trader with an address and sends WhatsApp to the one who chose it", () => {
      const [english, shona, ndebele] = cast.traders;
      const mails = c.smtp.mails.filter((m) => m.to.includes(english?.email as string));
      expect(mails.map((m) => m.subject)).toEqual([
        `You joined group ${cast.groupCode}`,
        "Payment received",
        "The price dropped",
        `Group ${cast.groupCode} is funded`,
        "Order accepted",
        "Ready for pickup",
        "Goods collected",
      ]);
      const whatsapp = c.whatsapp.messages.filter((m) => `+${m.to}` === shona?.user.phone);
      expect(whatsapp).toHaveLength(TRADER_KINDS.length);
      expect(whatsapp[2]?.text).toMatch(
        /^ConnectSphere: nhau dzakanaka, boka \w+ rasvika padanho idzva\. Mutengo wava USD 9\.20/,
      );
      expect(c.whatsapp.messages.some((m) => `+${m.to}` === ndebele?.user.phone)).toBe(false);
    });

    it("tells the supplier's team of the new order", async () => {
      const texts = c.at.messages.filter((m) => m.to === cast.supplier.phone).map((m) => m.message);
      expect(texts).toEqual([
        `ConnectSphere: new order ${cast.groupCode}: 13 x ${texts[0]?.split(": 13 x ")[1]?.split(". ")[0]}. Accept or reject within 48 h in the app, or the group is refunded.`,
      ]);
      expect((await notificationsOf(c.t, cast.supplier.id)).map((n) => n.kind)).toEqual([
        "order_new",
      ]);
    });

    it("hears back from the providers: every message ends delivered or read", async () => {
      const ids = cast.traders.map((tr) => tr.user.id);
      await waitFor(async () => {
        const rows = await c.t.ctx.db.select().from(notificationDeliveries);
        const ours = rows.filter((r) => ids.includes(r.userId) && r.channel !== "email");
        return (
          ours.length > 0 && ours.every((r) => r.status === "delivered" || r.status === "read")
        );
      }, 20_000);
    });
  });

  describe("through the local drivers (/dev/messages)", () => {
    let t: TestApp;
    let cast: Cast;
    beforeAll(async () => {
      t = await createTestApp({}, { listen: true });
      cast = await liveAGroup(t);
    });
    afterAll(async () => {
      await t.close();
    });

    it("shows each message with its channel, in the recipient's language", async () => {
      const [english, shona, ndebele] = cast.traders;
      const read = async (to: string) => {
        const response = await t.app.inject({
          method: "GET",
          url: `/dev/messages.json?to=${encodeURIComponent(to)}`,
        });
        expect(response.statusCode).toBe(200);
        return response.json<{ items: { channel: string; body: string }[] }>().items.reverse();
      };
      const ndebeleSms = await read(ndebele?.user.phone as string);
      expect(ndebeleSms.map((m) => m.channel)).toEqual(kindsFor("nd").map(() => "sms"));
      expect(ndebeleSms[0]?.body).toMatch(OPENINGS.nd.joined as RegExp);
      const shonaAll = await read(shona?.user.phone as string);
      expect(shonaAll.filter((m) => m.channel === "whatsapp")).toHaveLength(TRADER_KINDS.length);
      expect(shonaAll.filter((m) => m.channel === "sms")).toHaveLength(TRADER_KINDS.length);
      const mails = await read(english?.email as string);
      expect(mails.map((m) => m.channel)).toEqual(TRADER_KINDS.map(() => "email"));
      expect(mails[0]?.body).toMatch(
        new RegExp(`^You joined group ${cast.groupCode}\\n\\nYou joined group`),
      );
      const page = await t.app.inject({ method: "GET", url: "/dev/messages" });
      expect(page.body).toContain("<td>whatsapp</td>");
      expect(page.body).toContain("<td>email</td>");
    });
  });
});
