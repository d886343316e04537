import { deflateSync } from "node:zlib";
import type { TSupplierOrder } from "@cs/contracts";
import { mediaObjects, orderDrops } from "@cs/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltUser, buildTrader } from "../../../test/factories.ts";
import {
  buildAcceptedOrder,
  buildPickupAgent,
  buildSupplierMember,
} from "../../../test/fulfilment.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectProblem, send } from "../../../test/http.ts";
import { MEDIA_MAX_BYTES } from "../../platform/media.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t.close());

/** A real PNG of `side` × `side` grey pixels (signature, IHDR, IDAT, IEND with their CRCs). */
function png(side: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c >>> 0;
  });
  const crc = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) {
      c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((side + 1) * side, 0x80);
  for (let y = 0; y < side; y++) {
    rows[y * (side + 1)] = 0; // filter: none
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const upload = (agent: BuiltUser, orderId: string, body: Buffer, type = "image/png") =>
  t.app.inject({
    method: "POST",
    url: `/api/v1/pickup/deliveries/${orderId}/photo`,
    headers: { ...agent.authorization, "content-type": type },
    payload: body,
  });

const photoCount = async () => (await t.ctx.db.select().from(mediaObjects)).length;

describe("POST /api/v1/pickup/deliveries/:orderId/photo", () => {
  it("keeps the agent's photo, the check-in names it, and the order's managers see it", async () => {
    const order = await buildAcceptedOrder(t);
    const agent = order.agents[0] as BuiltUser;
    const image = png(64);
    const uploaded = await upload(agent, order.orderId, image);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { photo } = uploaded.json<{ photo: { id: string; byteSize: number } }>();
    expect(photo).toMatchObject({ contentType: "image/png", byteSize: image.length });

    const received = await send(t, "POST", `/api/v1/pickup/deliveries/${order.orderId}/receive`, {
      headers: agent.authorization,
      body: { receivedQty: 10, condition: "damaged", photoId: photo.id },
    });
    expect(received.statusCode, received.body).toBe(200);
    const view = await send(t, "GET", `/api/v1/orders/${order.orderId}`, {
      headers: order.admin.authorization,
    });
    const drop = view
      .json<TSupplierOrder>()
      .drops.find((d) => d.pickupPoint.id === order.points[0]);
    expect(drop?.photoUrl).toBe(`/api/v1/orders/${order.orderId}/photos/${photo.id}`);

    const owner = await buildSupplierMember(t, order.group.supplierId);
    for (const who of [order.admin, owner, agent]) {
      const shown = await send(t, "GET", drop?.photoUrl ?? "", { headers: who.authorization });
      expect(shown.statusCode).toBe(200);
      expect(shown.headers["content-type"]).toBe("image/png");
      expect(shown.rawPayload.equals(image)).toBe(true);
    }
    // Another point's agent, another supplier's team, a trader: nothing to see.
    const stranger = await buildPickupAgent(t, order.points[1] as string);
    expectProblem(
      await send(t, "GET", drop?.photoUrl ?? "", { headers: stranger.authorization }),
      404,
      "not_found",
    );
    const trader = await buildTrader(t);
    expectProblem(
      await send(t, "GET", drop?.photoUrl ?? "", { headers: trader.authorization }),
      403,
      "forbidden",
    );
  });

  it("refuses what is not an image, lies about its type, is too big or is not the agent's to take", async () => {
    const order = await buildAcceptedOrder(t);
    const agent = order.agents[0] as BuiltUser;
    const before = await photoCount();
    expectProblem(
      await upload(agent, order.orderId, Buffer.from("<script>alert(1)</script>")),
      415,
      "unsupported_media_type",
    );
    expectProblem(
      await upload(agent, order.orderId, png(8), "image/jpeg"),
      415,
      "unsupported_media_type",
    );
    expectProblem(
      await upload(agent, order.orderId, png(8), "application/pdf"),
      415,
      "unsupported_media_type",
    );
    const huge = Buffer.concat([png(8), Buffer.alloc(MEDIA_MAX_BYTES)]);
    expectProblem(await upload(agent, order.orderId, huge), 413, "payload_too_large");
    expectProblem(await upload(agent, crypto.randomUUID(), png(8)), 404, "not_found");
    // An agent of a point this order does not deliver to.
    const onePoint = await buildAcceptedOrder(t, [[5, 0]]);
    const elsewhereAgent = await buildPickupAgent(t, order.points[1] as string);
    expectProblem(await upload(elsewhereAgent, onePoint.orderId, png(8)), 404, "not_found");
    expect(await photoCount()).toBe(before);

    // A check-in cannot name another agent's photo, or a photo of another order.
    const theirs = (await upload(order.agents[1] as BuiltUser, order.orderId, png(8))).json<{
      photo: { id: string };
    }>().photo.id;
    const other = await buildAcceptedOrder(t);
    const elsewhere = (await upload(other.agents[0] as BuiltUser, other.orderId, png(8))).json<{
      photo: { id: string };
    }>().photo.id;
    for (const photoId of [theirs, elsewhere, crypto.randomUUID()]) {
      expectProblem(
        await send(t, "POST", `/api/v1/pickup/deliveries/${order.orderId}/receive`, {
          headers: agent.authorization,
          body: { receivedQty: 10, condition: "good", photoId },
        }),
        400,
        "unknown_reference",
      );
    }
    const [drop] = await t.ctx.db
      .select()
      .from(orderDrops)
      .where(eq(orderDrops.orderId, order.orderId));
    expect(drop?.status).toBe("pending");
  });
});
