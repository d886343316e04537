import type { TChatMessage } from "@cs/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PendingMessage } from "../../lib/chat-state.ts";
import { splitLinks } from "../../lib/chat-state.ts";
import { formatMoney } from "../../lib/money.ts";
import { AuthImage } from "../auth-image.tsx";

/** Text exactly as typed, as React text; only http(s) links become anchors, opened apart. */
export function MessageText({ text }: { text: string }) {
  return (
    <p className="break-words whitespace-pre-wrap text-[15px] text-stone-900">
      {splitLinks(text).map((part, i) =>
        part.href ? (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed text
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="text-green-800 underline"
          >
            {part.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed text
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}

/** A group event in the reader's language, from its kind and params. */
export function SystemText({ message }: { message: TChatMessage }) {
  const { t, i18n } = useTranslation();
  const system = message.system;
  if (!system) {
    return null;
  }
  const params = system.params;
  const price =
    typeof params.unitPrice === "number" && typeof params.currency === "string"
      ? formatMoney(params.unitPrice, params.currency as "USD" | "ZWG", i18n.language)
      : "";
  return (
    <span>
      {t(`chat.system.${system.kind}`, {
        minQty: params.minQty,
        paidQty: params.paidQty,
        point: params.point,
        price,
      })}
    </span>
  );
}

const clock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Harare",
  hour: "2-digit",
  minute: "2-digit",
});

type MessageProps = {
  message: TChatMessage;
  mine: boolean;
  moderate: boolean;
  onReport(id: string): Promise<unknown>;
  onHide(id: string): Promise<unknown>;
};

/** One message: who, what (text, image, or "hidden by a moderator"), when, and its actions. */
export function ChatMessage({ message, mine, moderate, onReport, onHide }: MessageProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<"reported" | null>(null);
  if (message.kind === "system") {
    return (
      <li
        className="mx-auto max-w-[90%] rounded-xl bg-amber-100 px-3 py-2 text-center text-sm font-semibold text-amber-950"
        data-testid="chat-system"
      >
        <SystemText message={message} />
      </li>
    );
  }
  const hiddenForMe = message.hidden && message.body === null && message.imageUrl === null;
  return (
    <li
      className={`flex max-w-[85%] flex-col gap-1 rounded-2xl px-3 py-2 ${
        mine ? "self-end bg-green-100" : "self-start bg-white ring-1 ring-stone-200"
      }`}
      data-testid="chat-message"
      data-seq={message.seq}
    >
      {!mine && message.sender ? (
        <span className="text-xs font-bold text-green-900">
          {message.sender.name}
          {message.sender.role !== "trader" ? ` · ${t(`chat.roles.${message.sender.role}`)}` : ""}
        </span>
      ) : null}
      {hiddenForMe ? (
        <p className="text-sm text-stone-600 italic" data-testid="chat-hidden">
          {t("chat.hidden")}
        </p>
      ) : (
        <>
          {message.hidden ? (
            <span className="text-xs font-bold text-red-800">{t("chat.hiddenForOthers")}</span>
          ) : null}
          {message.imageUrl ? (
            <AuthImage
              src={message.imageUrl}
              alt={t("chat.imageAlt")}
              className="max-h-64 w-full rounded-lg object-cover"
            />
          ) : null}
          {message.body !== null ? <MessageText text={message.body} /> : null}
        </>
      )}
      <span className="flex items-center justify-end gap-2 text-xs text-stone-600">
        {moderate && message.reports ? (
          <span className="font-bold text-red-800">
            {t("chat.reports", { count: message.reports })}
          </span>
        ) : null}
        {done ? <span>{t("chat.reported")}</span> : null}
        <time dateTime={message.createdAt}>{clock.format(new Date(message.createdAt))}</time>
        {!mine && !hiddenForMe ? (
          <button
            type="button"
            className="min-h-8 px-1 font-bold text-stone-700"
            aria-label={t("chat.actions")}
            onClick={() => setOpen((v) => !v)}
          >
            ⋯
          </button>
        ) : null}
      </span>
      {open ? (
        <span className="flex gap-2">
          <button
            type="button"
            className="min-h-10 rounded-lg border border-stone-300 px-3 text-sm font-semibold"
            onClick={() =>
              void onReport(message.id).then(() => {
                setDone("reported");
                setOpen(false);
              })
            }
          >
            {t("chat.report")}
          </button>
          {moderate && !message.hidden ? (
            <button
              type="button"
              className="min-h-10 rounded-lg border border-red-700 px-3 text-sm font-semibold text-red-800"
              data-testid="chat-hide"
              onClick={() => void onHide(message.id).then(() => setOpen(false))}
            >
              {t("chat.hide")}
            </button>
          ) : null}
        </span>
      ) : null}
    </li>
  );
}

/** A message still on its way: "sending…", or "not sent, tap to retry". */
export function PendingBubble({
  item,
  onRetry,
  onDiscard,
}: {
  item: PendingMessage;
  onRetry(): void;
  onDiscard(): void;
}) {
  const { t } = useTranslation();
  return (
    <li
      className="flex max-w-[85%] flex-col gap-1 self-end rounded-2xl bg-green-50 px-3 py-2 ring-1 ring-green-200"
      data-testid="chat-pending"
      data-status={item.status}
    >
      {item.kind === "image" ? (
        <span className="text-sm text-stone-700">{t("chat.imagePending")}</span>
      ) : (
        <MessageText text={item.body} />
      )}
      {item.status === "sending" ? (
        <span className="text-right text-xs text-stone-600">
          {typeof navigator !== "undefined" && !navigator.onLine
            ? t("chat.waiting")
            : t("chat.sending")}
        </span>
      ) : (
        <span className="flex flex-wrap items-center justify-end gap-2 text-xs">
          <span className="font-semibold text-red-800">
            {t(`errors.${item.error ?? "generic"}`, { defaultValue: t("errors.generic") })}
          </span>
          <button
            type="button"
            className="min-h-10 rounded-lg bg-red-700 px-3 font-semibold text-white"
            onClick={onRetry}
          >
            {t("chat.retry")}
          </button>
          <button
            type="button"
            className="min-h-10 px-2 text-stone-700 underline"
            onClick={onDiscard}
          >
            {t("chat.discard")}
          </button>
        </span>
      )}
    </li>
  );
}
