import { type TChatMessage, type TChatPage, type TChatTyping, ZChatMessage } from "@cs/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../lib/api.ts";
import { loadOutbox, outboxKey, saveOutbox } from "../lib/chat-outbox.ts";
import {
  type ChatState,
  contiguousSeq,
  emptyChat,
  mergeMessages,
  newClientId,
  type PendingMessage,
} from "../lib/chat-state.ts";
import { shrinkPhoto } from "../lib/images.ts";
import { liveSocket } from "../lib/realtime.ts";

const TYPING_SHOWN_MS = 4_000;
const TYPING_SEND_MS = 2_000;
const RETRY_MS = 5_000;

const base = (groupId: string) => `/api/v1/groups/${groupId}/chat`;
/**
 * A group's chat on this device: history (newest page, then "load earlier"), live messages over
 * the socket, a catch-up from the last number held after every reconnection or gap, and an
 * outbox of sends that goes in order, one at a time, each with its own client id (the server
 * stores a retried send once). A send that cannot reach the server waits and goes again when
 * the network is back; one the server refuses is marked failed until tapped.
 */
export function useGroupChat(groupId: string, userId: string) {
  const key = outboxKey(groupId, userId);
  const [state, setState] = useState<ChatState>(() => ({
    ...emptyChat(),
    pending: loadOutbox(key),
  }));
  const stateRef = useRef(state);
  stateRef.current = state;
  const [missing, setMissing] = useState(false);
  const flushing = useRef(false);
  const typingSent = useRef(0);

  const update = useCallback(
    (change: (s: ChatState) => ChatState) => {
      setState((current) => {
        const next = change(current);
        stateRef.current = next;
        if (next.pending !== current.pending) {
          saveOutbox(key, next.pending);
        }
        return next;
      });
    },
    [key],
  );

  /** Fetches everything after the last contiguous seq, page by page. */
  const catchUp = useCallback(async () => {
    for (let i = 0; i < 20; i++) {
      const after = contiguousSeq(stateRef.current.messages);
      const page = await api<TChatPage>(`${base(groupId)}?after=${after}&limit=100`);
      update((s) => mergeMessages(s, page.items));
      if (!page.hasMore) {
        return;
      }
    }
  }, [groupId, update]);

  const flush = useCallback(async () => {
    if (flushing.current) {
      return;
    }
    flushing.current = true;
    try {
      for (;;) {
        const next = stateRef.current.pending.find((p) => p.status === "sending");
        if (!next) {
          return;
        }
        try {
          const message = next.image
            ? await api<TChatMessage>(`${base(groupId)}/images?clientId=${next.clientId}`, {
                method: "POST",
                upload: next.image,
              })
            : await api<TChatMessage>(`${base(groupId)}/messages`, {
                method: "POST",
                body: { clientId: next.clientId, body: next.body },
              });
          const stored = ZChatMessage.parse(message);
          const gap = stored.seq > contiguousSeq(stateRef.current.messages) + 1;
          update((s) => mergeMessages(s, [stored]));
          if (gap) {
            // Others wrote while this device was away: fetch what lies between.
            void catchUp().catch(() => {});
          }
        } catch (error) {
          if (error instanceof ApiError && error.status !== 0 && error.status < 500) {
            update((s) => ({
              ...s,
              pending: s.pending.map((p) =>
                p.clientId === next.clientId ? { ...p, status: "failed", error: error.code } : p,
              ),
            }));
            continue;
          }
          // No network or the server is down: it stays queued, in order, and goes later.
          return;
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [groupId, update, catchUp]);

  // First page, the socket room, and the retries of the outbox.
  useEffect(() => {
    let stopped = false;
    let detach = () => {};
    api<TChatPage>(base(groupId))
      .then((page) => {
        if (stopped) {
          return;
        }
        update((s) => ({
          ...mergeMessages(s, page.items),
          hasEarlier: page.hasMore,
          loaded: true,
          lastReadSeq: page.lastReadSeq,
          unreadFrom: page.unread > 0 ? page.lastReadSeq : null,
          moderate: page.abilities.moderate,
        }));
        void flush();
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
          setMissing(true);
        } else {
          update((s) => ({ ...s, loaded: true }));
        }
      });
    void liveSocket().then((socket) => {
      if (stopped) {
        return;
      }
      const join = () => {
        // Before the first page has come, the socket only joins (pushes from then on are kept);
        // after it, the answer carries whatever came after the last number held.
        const after = stateRef.current.loaded
          ? { after: contiguousSeq(stateRef.current.messages) }
          : {};
        socket
          .timeout(10_000)
          .emitWithAck("chat:join", { groupId, ...after })
          .then((answer: { ok?: boolean; items?: TChatMessage[]; hasMore?: boolean }) => {
            if (answer.ok) {
              update((s) => mergeMessages(s, answer.items ?? []));
              if (answer.hasMore) {
                void catchUp();
              }
              void flush();
            }
          })
          .catch(() => {});
      };
      const onMessage = (message: TChatMessage) => {
        if (message.groupId !== groupId) {
          return;
        }
        const gap = message.seq > contiguousSeq(stateRef.current.messages) + 1;
        const held = stateRef.current.messages.find((m) => m.id === message.id);
        // The room hears a hidden message without its text; a moderator keeps what they had.
        const shown =
          stateRef.current.moderate && held && message.hidden && message.body === null
            ? { ...held, hidden: true }
            : message;
        update((s) => ({
          ...mergeMessages(s, [shown]),
          typing: s.typing.filter((x) => x.userId !== message.sender?.id),
        }));
        if (gap && stateRef.current.loaded) {
          void catchUp().catch(() => {});
        }
      };
      const onTyping = (typing: TChatTyping) => {
        if (typing.groupId === groupId && typing.userId !== userId) {
          const until = Date.now() + TYPING_SHOWN_MS;
          update((s) => ({
            ...s,
            typing: [...s.typing.filter((x) => x.userId !== typing.userId), { ...typing, until }],
          }));
        }
      };
      socket.on("connect", join);
      socket.on("chat:message", onMessage);
      socket.on("chat:update", onMessage);
      socket.on("chat:typing", onTyping);
      if (socket.connected) {
        join();
      }
      detach = () => {
        socket.off("connect", join);
        socket.off("chat:message", onMessage);
        socket.off("chat:update", onMessage);
        socket.off("chat:typing", onTyping);
        socket.emit("chat:leave", groupId);
      };
    });
    const online = () => {
      void flush();
      void catchUp().catch(() => {});
    };
    window.addEventListener("online", online);
    const timer = setInterval(() => {
      void flush();
      update((s) =>
        s.typing.some((x) => x.until < Date.now())
          ? { ...s, typing: s.typing.filter((x) => x.until >= Date.now()) }
          : s,
      );
    }, RETRY_MS);
    return () => {
      stopped = true;
      detach();
      window.removeEventListener("online", online);
      clearInterval(timer);
    };
  }, [groupId, userId, update, flush, catchUp]);

  const enqueue = useCallback(
    (item: Omit<PendingMessage, "clientId" | "status" | "createdAt">) => {
      update((s) => ({
        ...s,
        pending: [
          ...s.pending,
          {
            ...item,
            clientId: newClientId(),
            status: "sending",
            createdAt: new Date().toISOString(),
          },
        ],
      }));
      void flush();
    },
    [update, flush],
  );

  return {
    state,
    missing,
    sendText: (body: string) => enqueue({ kind: "text", body }),
    sendImage: async (file: Blob) =>
      enqueue({ kind: "image", body: "", image: await shrinkPhoto(file) }),
    retry: (clientId: string) => {
      update((s) => ({
        ...s,
        pending: s.pending.map((p) =>
          p.clientId === clientId ? { ...p, status: "sending", error: undefined } : p,
        ),
      }));
      void flush();
    },
    discard: (clientId: string) =>
      update((s) => ({ ...s, pending: s.pending.filter((p) => p.clientId !== clientId) })),
    loadEarlier: async () => {
      const first = stateRef.current.messages[0]?.seq;
      if (!first) {
        return;
      }
      const page = await api<TChatPage>(`${base(groupId)}?before=${first}&limit=30`);
      update((s) => ({ ...mergeMessages(s, page.items), hasEarlier: page.hasMore }));
    },
    markRead: async (seq: number) => {
      if (seq <= stateRef.current.lastReadSeq) {
        return;
      }
      update((s) => ({ ...s, lastReadSeq: seq }));
      await api(`${base(groupId)}/read`, { method: "POST", body: { seq } }).catch(() => {});
    },
    typing: () => {
      if (Date.now() - typingSent.current > TYPING_SEND_MS) {
        typingSent.current = Date.now();
        void liveSocket().then((socket) => socket.emit("chat:typing", groupId));
      }
    },
    report: (messageId: string) =>
      api(`${base(groupId)}/messages/${messageId}/report`, { method: "POST", body: {} }),
    hide: async (messageId: string) => {
      const message = await api<TChatMessage>(`${base(groupId)}/messages/${messageId}/hide`, {
        method: "POST",
      });
      update((s) => mergeMessages(s, [message]));
    },
  };
}

export type GroupChat = ReturnType<typeof useGroupChat>;
