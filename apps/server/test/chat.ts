import { randomUUID } from "node:crypto";
import type { TChatMessage } from "@cs/contracts";
import { expect } from "vitest";
import type { GroupRow } from "../src/domains/groups/presenter.ts";
import { type BuiltUser, buildAdmin, buildTrader } from "./factories.ts";
import { buildSupplierMember } from "./fulfilment.ts";
import { buildGroup, join } from "./groups.ts";
import type { TestApp } from "./harness.ts";
import { send } from "./http.ts";

export interface ChatRoom {
  group: GroupRow;
  traders: BuiltUser[];
  supplier: BuiltUser;
  admin: BuiltUser;
  stranger: BuiltUser;
}

/** An open group whose traders have joined (a reservation is a share), with its supplier's team. */
export async function buildChatRoom(t: TestApp, traderCount = 2): Promise<ChatRoom> {
  const group = await buildGroup(t);
  const traders: BuiltUser[] = [];
  for (let i = 0; i < traderCount; i++) {
    const trader = await buildTrader(t, { name: `Trader ${i + 1}` });
    const joined = await join(t, trader.authorization, group.id, 1);
    expect(joined.statusCode, joined.body).toBe(201);
    traders.push(trader);
  }
  return {
    group,
    traders,
    supplier: await buildSupplierMember(t, group.supplierId, "staff"),
    admin: await buildAdmin(t, "moderator"),
    stranger: await buildTrader(t, { name: "Stranger" }),
  };
}

/** Sends a text message through the API. */
export function say(
  t: TestApp,
  user: BuiltUser,
  groupId: string,
  body: string,
  clientId: string = randomUUID(),
) {
  return send(t, "POST", `/api/v1/groups/${groupId}/chat/messages`, {
    headers: user.authorization,
    body: { clientId, body },
  });
}

/** Sends and expects it stored; returns the message. */
export async function said(
  t: TestApp,
  user: BuiltUser,
  groupId: string,
  body: string,
): Promise<TChatMessage> {
  const response = await say(t, user, groupId, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TChatMessage>();
}

/** A page of the room as the user sees it. */
export function readRoom(t: TestApp, user: BuiltUser, groupId: string, query = "") {
  return send(t, "GET", `/api/v1/groups/${groupId}/chat${query}`, { headers: user.authorization });
}
