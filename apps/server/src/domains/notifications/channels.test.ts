import type { TJoinGroupResponse } from "@cs/contracts";
import { notificationDeliveries, users } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AT_CALLBACK_TOKEN,
  type ChannelTestApp,
  createChannelTestApp,
  deliveriesOf,
  FAKE_WA,
  fastForwardOutbox,
  notificationsOf,
} from "../../../test/channels.ts";
import { type BuiltUser, buildAdmin, buildTrader } from "../../../test/factories.ts";
import { buildGroup, decideCheckout, join } from "../../../test/groups.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { waitFor } from "../../../test/payments.ts";
import { enqueue } from "../../platform/outbox.ts";
import { createWhatsappCloudDriver } from "../channels/whatsapp.ts";
import { harareMinutes } from "./preferences.ts";

let c: ChannelTestApp;
beforeAll(async () => {
  c = await createChannelTestApp();
});
afterAll(async () => {
  await c.close();
});
afterEach(() => {
  c.at.setFault({ mode: "none" });
  c.whatsapp.setFault({ mode: "none" });
  c.smtp.setFailing(false);
});

async function joinNewGroup(trader: BuiltUser, quantity = 2): Promise<TJoinGroupResponse> {
  const group = await buildGroup(c.t);
  const response = await join(c.t, trader.authorization, group.id, quantity);
  expect(response.statusCode, response.body).toBe(201);
  await c.t.drainOutbox();
  return response.json<TJoinGroupResponse>();
}

const smsTo = (phone: string) => c.at.messages.filter((m) => m.to === phone);

function setPreferences(user: BuiltUser, body: unknown) {
  return send(c.t, "PUT", "/api/v1/notifications/preferences", {
    headers: user.authorization,
    body,
  });
}

describe("notifications through the real providers' APIs", () => {
  it("texts a trader who joins, in Shona, through Africa's Talking; its delivery report marks it delivered", async () => {
    const trader = await buildTrader(c.t, { language: "sn" });
    await joinNewGroup(trader);
    const [sms] = smsTo(trader.phone);
    expect(sms?.message).toMatch(/^ConnectSphere: wapinda muboka [A-Z0-9]{6} kuti uwane 2 x /);
    expect(sms?.from).toBe("CSPHERE");
    await waitFor(async () => {
      const [row] = await deliveriesOf(c.t, trader.id);
      return row?.status === "delivered" ? row : undefined;
    });
    const [note] = await notificationsOf(c.t, trader.id);
    expect(note?.title).toMatch(/^Wapinda muboka/);
  });

  it("refuses a forged SMS delivery report with problem+json and changes nothing", async () => {
    const trader = await buildTrader(c.t);
    await joinNewGroup(trader);
    const [sms] = smsTo(trader.phone);
    const before = await waitFor(async () => {
      const [row] = await deliveriesOf(c.t, trader.id);
      return row?.status === "delivered" ? row : undefined;
    });
    const forged = await c.t.app.inject({
      method: "POST",
      url: "/api/v1/channels/sms/delivery-reports/not-the-token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `id=${sms?.messageId}&status=Failed&failureReason=UserInBlackList`,
    });
    expectProblem(forged, 403, "callback_token_invalid");
    const unknown = await c.t.app.inject({
      method: "POST",
      url: `/api/v1/channels/sms/delivery-reports/${AT_CALLBACK_TOKEN}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "id=ATXid_made_up&status=Success",
    });
    expectProblem(unknown, 404, "not_found");
    const [after] = await deliveriesOf(c.t, trader.id);
    expect(after?.status).toBe("delivered");
    expect(after?.updatedAt).toEqual(before.updatedAt);
  });

  it("sends WhatsApp to a trader who chose it; signed status webhooks move it to read", async () => {
    const trader = await buildTrader(c.t, { language: "nd" });
    expect(
      (await setPreferences(trader, { channels: { groups: { whatsapp: true } } })).statusCode,
    ).toBe(200);
    await joinNewGroup(trader);
    const message = c.whatsapp.messages.find((m) => `+${m.to}` === trader.phone);
    expect(message?.type).toBe("text");
    expect(message?.text).toMatch(/^ConnectSphere: ungene eqenjini /);
    await waitFor(async () => {
      const rows = await deliveriesOf(c.t, trader.id);
      return rows.find((r) => r.channel === "whatsapp" && r.status === "read");
    });
  });

  it("refuses a WhatsApp webhook with a forged signature, and verifies the GET handshake", async () => {
    const trader = await buildTrader(c.t);
    await setPreferences(trader, { channels: { groups: { whatsapp: true, sms: false } } });
    await joinNewGroup(trader);
    const delivery = await waitFor(async () => {
      const rows = await deliveriesOf(c.t, trader.id);
      return rows.find((r) => r.channel === "whatsapp" && r.status === "read");
    });
    const envelope = {
      entry: [
        {
          changes: [
            { value: { statuses: [{ id: delivery.providerMessageId, status: "failed" }] } },
          ],
        },
      ],
    };
    const body = JSON.stringify(envelope);
    const forged = await c.t.app.inject({
      method: "POST",
      url: "/api/v1/channels/whatsapp/webhook",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
      },
      payload: body,
    });
    expectProblem(forged, 401, "webhook_signature_invalid");
    const unsigned = await c.t.app.inject({
      method: "POST",
      url: "/api/v1/channels/whatsapp/webhook",
      headers: { "content-type": "application/json" },
      payload: body,
    });
    expectProblem(unsigned, 401, "webhook_signature_invalid");
    const [after] = (await deliveriesOf(c.t, trader.id)).filter((r) => r.channel === "whatsapp");
    expect(after?.status).toBe("read");

    const ok = await c.t.app.inject({
      method: "GET",
      url: `/api/v1/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${FAKE_WA.verifyToken}&hub.challenge=1158201444`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("1158201444");
    const bad = await c.t.app.inject({
      method: "GET",
      url: "/api/v1/channels/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
    });
    expectProblem(bad, 403, "webhook_verification_failed");
  });

  it("sends approved templates with their values in order when configured for templates", async () => {
    const driver = createWhatsappCloudDriver(
      { ...FAKE_WA, baseUrl: c.whatsapp.url, apiVersion: "v21.0", messageType: "template" },
      2000,
    );
    const sent = await driver.send({
      to: "+263771234567",
      body: "unused",
      idempotencyKey: "k1",
      template: { name: "cs_group_funded", language: "sn", params: ["KX7WQP", "USD 9.20"] },
    });
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(c.whatsapp.messages.at(-1)).toMatchObject({
      to: "263771234567",
      type: "template",
      template: { name: "cs_group_funded", language: "sn", params: ["KX7WQP", "USD 9.20"] },
    });
  });

  it("emails a trader who has an address, through SMTP", async () => {
    const trader = await buildTrader(c.t);
    await c.t.ctx.db
      .update(users)
      .set({ email: `t${trader.id.slice(0, 8)}@example.com` })
      .where(eq(users.id, trader.id));
    await joinNewGroup(trader);
    const mail = c.smtp.mails.find((m) => m.to.includes(`t${trader.id.slice(0, 8)}@example.com`));
    expect(mail?.subject).toMatch(/^You joined group [A-Z0-9]{6}$/);
    expect(mail?.text).toMatch(/^You joined group .* to keep your place\.\n\n— ConnectSphere$/);
    expect(mail?.from).toBe("no-reply@connectsphere.test");
  });

  it("retries a provider that keeps failing, dead-letters the message for admins, and sends it when retried", async () => {
    const trader = await buildTrader(c.t);
    c.at.setFault({ mode: "down" });
    await joinNewGroup(trader);
    for (let i = 0; i < 8; i++) {
      await fastForwardOutbox(c.t);
      await c.t.drainOutbox();
    }
    const [dead] = await deliveriesOf(c.t, trader.id);
    expect(dead).toMatchObject({ channel: "sms", status: "dead", attempts: 8 });
    expect(dead?.lastError).toMatch(/503/);
    expect(smsTo(trader.phone)).toHaveLength(0);

    const admin = await buildAdmin(c.t);
    const listed = await send(c.t, "GET", "/api/v1/admin/notifications/dead-letters", {
      headers: admin.authorization,
    });
    expect(listed.json().items.map((d: { id: string }) => d.id)).toContain(dead?.id);
    const asTrader = await send(c.t, "GET", "/api/v1/admin/notifications/dead-letters", {
      headers: trader.authorization,
    });
    expectProblem(asTrader, 403, "forbidden");

    c.at.setFault({ mode: "none" });
    const retried = await send(
      c.t,
      "POST",
      `/api/v1/admin/notifications/dead-letters/${dead?.id}/retry`,
      {
        headers: admin.authorization,
      },
    );
    expect(retried.statusCode).toBe(204);
    await c.t.drainOutbox();
    expect(smsTo(trader.phone)).toHaveLength(1);
    const again = await send(
      c.t,
      "POST",
      `/api/v1/admin/notifications/dead-letters/${dead?.id}/retry`,
      {
        headers: admin.authorization,
      },
    );
    expectProblem(again, 409, "delivery_not_dead");
  });

  it("respects an opt-out of SMS, except for critical messages (the payment result)", async () => {
    const trader = await buildTrader(c.t);
    await setPreferences(trader, {
      channels: { groups: { sms: false }, payments: { sms: false } },
    });
    const joined = await joinNewGroup(trader);
    expect(smsTo(trader.phone)).toHaveLength(0);
    await decideCheckout(c.t, joined);
    await c.t.drainOutbox();
    const texts = smsTo(trader.phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.message).toMatch(
      /^ConnectSphere: your payment of USD 20\.00 for group .* was received/,
    );
    const kinds = (await notificationsOf(c.t, trader.id)).map((n) => n.kind);
    expect(kinds).toEqual(["joined", "payment_confirmed"]);
  });

  it("holds messages back during quiet hours (Harare time) and sends them after, never drops them", async () => {
    const trader = await buildTrader(c.t);
    const now = harareMinutes(new Date());
    await setPreferences(trader, {
      quietHours: { start: (now + 1440 - 30) % 1440, end: (now + 120) % 1440 },
    });
    await joinNewGroup(trader);
    expect(smsTo(trader.phone)).toHaveLength(0);
    const [held] = await deliveriesOf(c.t, trader.id);
    expect(held?.status).toBe("queued");
    expect(held?.sendAfter.getTime()).toBeGreaterThan(Date.now() + 100 * 60_000);
    expect(await notificationsOf(c.t, trader.id)).toHaveLength(1);
    await fastForwardOutbox(c.t);
    await c.t.drainOutbox();
    expect(smsTo(trader.phone)).toHaveLength(1);
  });

  it("sends once when the same event is delivered twice", async () => {
    const trader = await buildTrader(c.t);
    const joined = await joinNewGroup(trader);
    const subjectId = joined.participation.id;
    await enqueue(c.t.ctx.db, "notify", { kind: "joined", subjectId });
    await enqueue(c.t.ctx.db, "notify", { kind: "joined", subjectId });
    await c.t.drainOutbox();
    expect(smsTo(trader.phone)).toHaveLength(1);
    expect(await notificationsOf(c.t, trader.id)).toHaveLength(1);
    const rows = await c.t.ctx.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.userId, trader.id));
    expect(rows).toHaveLength(1);
  });
});
