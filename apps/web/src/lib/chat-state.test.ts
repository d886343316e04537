import type { TChatMessage } from "@cs/contracts";
import { describe, expect, it } from "vitest";
import { contiguousSeq, emptyChat, mergeMessages, newClientId, splitLinks } from "./chat-state.ts";

const message = (seq: number, clientId: string | null = null): TChatMessage => ({
  id: `m${seq}`,
  groupId: "g",
  seq,
  kind: "text",
  sender: null,
  clientId,
  body: `body ${seq}`,
  imageUrl: null,
  system: null,
  pinned: false,
  hidden: false,
  createdAt: new Date(0).toISOString(),
});

describe("chat state", () => {
  it("keeps each seq once, in order, and drops the pending sends a message confirms", () => {
    let state = emptyChat();
    state.pending = [
      { clientId: "c1", kind: "text", body: "x", status: "sending", createdAt: "" },
      { clientId: "c2", kind: "text", body: "y", status: "sending", createdAt: "" },
    ];
    state = mergeMessages(state, [message(3), message(1, "c1")]);
    state = mergeMessages(state, [message(2), message(3), { ...message(1, "c1"), hidden: true }]);
    expect(state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(state.messages[0]?.hidden).toBe(true);
    expect(state.pending.map((p) => p.clientId)).toEqual(["c2"]);
  });

  it("catches up from the last seq below any gap", () => {
    expect(contiguousSeq([])).toBe(0);
    expect(contiguousSeq([message(4), message(5), message(7)])).toBe(5);
    expect(contiguousSeq([message(1), message(2)])).toBe(2);
  });

  it("makes only http(s) links, without trailing punctuation", () => {
    expect(splitLinks("see https://example.org/a?b=1. javascript:alert(1) ok")).toEqual([
      { text: "see " },
      { text: "https://example.org/a?b=1", href: "https://example.org/a?b=1" },
      { text: ". javascript:alert(1) ok" },
    ]);
    expect(splitLinks("<script>alert(1)</script>")).toEqual([
      { text: "<script>alert(1)</script>" },
    ]);
    expect(newClientId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
