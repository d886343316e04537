import { CHAT_MESSAGE_MAX } from "@cs/contracts";
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useGroupChat } from "../../hooks/use-group-chat.ts";
import { SpinnerIcon } from "../icons.tsx";
import { ChatMessage, PendingBubble, SystemText } from "./chat-message.tsx";
import { addChatTexts } from "./texts.ts";

addChatTexts();

/**
 * The group's chat, inside the group page (loaded as its own chunk). Renders nothing for someone
 * outside the room (the server answers 404).
 */
export default function GroupChat({ groupId, userId }: { groupId: string; userId: string }) {
  const { t } = useTranslation();
  const chat = useGroupChat(groupId, userId);
  const { state } = chat;
  const [draft, setDraft] = useState("");
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const nearBottom = useRef(true);
  const file = useRef<HTMLInputElement>(null);

  const lastSeq = state.messages.at(-1)?.seq ?? 0;
  const count = state.messages.length + state.pending.length;
  // Keep the newest in view when it arrives, unless the reader scrolled up to read history.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && nearBottom.current && count > 0) {
      el.scrollTop = el.scrollHeight;
    }
  }, [count]);
  const { markRead } = chat;
  useEffect(() => {
    if (lastSeq > 0 && nearBottom.current && document.visibilityState === "visible") {
      void markRead(lastSeq);
    }
  }, [lastSeq, markRead]);

  if (chat.missing) {
    return null;
  }
  const unread = state.messages.filter(
    (m) => m.seq > state.lastReadSeq && m.sender?.id !== userId && !m.hidden,
  ).length;
  const pinned = state.messages.filter((m) => m.pinned).at(-1);
  const typing = state.typing.map((x) => x.name).filter(Boolean);
  const submit = () => {
    const body = draft.trim();
    if (body.length === 0) {
      return;
    }
    chat.sendText(body);
    setDraft("");
    nearBottom.current = true;
  };

  return (
    <section
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="group-chat"
      aria-label={t("chat.title")}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-bold text-stone-900">{t("chat.title")}</h2>
        {unread > 0 ? (
          <span
            className="rounded-full bg-green-700 px-2.5 py-0.5 text-sm font-bold text-white"
            data-testid="chat-unread"
          >
            {t("chat.unread", { count: unread })}
          </span>
        ) : null}
      </div>
      {pinned ? (
        <p className="rounded-xl bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
          <span className="font-bold">{t("chat.pinned")}: </span>
          <SystemText message={pinned} />
        </p>
      ) : null}
      <ol
        ref={list}
        className="flex max-h-[60vh] min-h-40 flex-col gap-2 overflow-y-auto rounded-xl bg-stone-50 p-2"
        data-testid="chat-list"
        aria-live="polite"
        onScroll={(event) => {
          const el = event.currentTarget;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          if (nearBottom.current && lastSeq > 0) {
            void markRead(lastSeq);
          }
        }}
      >
        {state.hasEarlier ? (
          <li className="self-center">
            <button
              type="button"
              className="min-h-10 px-3 text-sm font-semibold text-green-800 underline"
              disabled={loadingEarlier}
              onClick={() => {
                setLoadingEarlier(true);
                nearBottom.current = false;
                void chat.loadEarlier().finally(() => setLoadingEarlier(false));
              }}
            >
              {t("chat.loadEarlier")}
            </button>
          </li>
        ) : null}
        {!state.loaded ? (
          <li className="self-center p-4" aria-busy="true">
            <SpinnerIcon className="size-6 animate-spin text-green-800" />
          </li>
        ) : null}
        {state.loaded && count === 0 ? (
          <li className="self-center p-4 text-sm text-stone-700">{t("chat.empty")}</li>
        ) : null}
        {state.messages.map((message) => (
          <Fragment key={message.id}>
            {state.unreadFrom !== null && message.seq === state.unreadFrom + 1 ? (
              <li
                className="my-1 flex items-center gap-2 text-xs font-bold text-green-800"
                data-testid="chat-new-line"
              >
                <span className="h-px flex-1 bg-green-700" />
                {t("chat.newMessages")}
                <span className="h-px flex-1 bg-green-700" />
              </li>
            ) : null}
            <ChatMessage
              message={message}
              mine={message.sender?.id === userId}
              moderate={state.moderate}
              onReport={chat.report}
              onHide={chat.hide}
            />
          </Fragment>
        ))}
        {state.pending.map((item) => (
          <PendingBubble
            key={item.clientId}
            item={item}
            onRetry={() => chat.retry(item.clientId)}
            onDiscard={() => chat.discard(item.clientId)}
          />
        ))}
      </ol>
      <p className="min-h-5 text-sm text-stone-600 italic" data-testid="chat-typing">
        {typing.length > 0 ? t("chat.typing", { names: typing.join(", ") }) : ""}
      </p>
      <form
        className="flex items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <input
          ref={file}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          className="hidden"
          onChange={(event) => {
            const picked = event.currentTarget.files?.[0];
            event.currentTarget.value = "";
            if (picked) {
              nearBottom.current = true;
              void chat.sendImage(picked);
            }
          }}
        />
        <button
          type="button"
          className="min-h-12 min-w-12 rounded-xl border-2 border-green-700 text-xl font-bold text-green-800"
          aria-label={t("chat.attach")}
          onClick={() => file.current?.click()}
        >
          +
        </button>
        <label className="flex-1">
          <span className="sr-only">{t("chat.placeholder")}</span>
          <textarea
            value={draft}
            rows={1}
            maxLength={CHAT_MESSAGE_MAX}
            placeholder={t("chat.placeholder")}
            className="block max-h-32 min-h-12 w-full resize-none rounded-xl border-2 border-stone-300 px-3 py-2.5 text-base focus:border-green-700 focus:outline-none"
            data-testid="chat-input"
            onChange={(event) => {
              setDraft(event.currentTarget.value);
              chat.typing();
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey) {
                event.preventDefault();
                submit();
              }
            }}
          />
        </label>
        <button
          type="submit"
          className="min-h-12 rounded-xl bg-green-700 px-4 font-semibold text-white disabled:opacity-60"
          disabled={draft.trim().length === 0}
          data-testid="chat-send"
        >
          {t("chat.send")}
        </button>
      </form>
    </section>
  );
}
