import { createServer, type Socket } from "node:net";

/**
 * A small local SMTP server (RFC 5321's core: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
 * that keeps what it receives, for tests and development. `setFailing(true)` answers MAIL with
 * a transient 451, as a mail server under trouble does.
 */
export interface FakeMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  raw: string;
}

export interface SmtpFake {
  url: string;
  mails: FakeMail[];
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, kind: string, text: string) =>
    kind.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : decodeQuotedPrintable(text.replaceAll("_", " ")),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** Headers (unfolded) and the decoded text body of a simple single-part message. */
export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const body = raw.slice(split + 4);
  const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? decodeQuotedPrintable(body)
      : encoding === "base64"
        ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
        : body;
  return { headers, text: text.replace(/\r\n$/, "").replaceAll("\r\n", "\n") };
}

export async function startSmtpFake(
  options: { host?: string; port?: number } = {},
): Promise<SmtpFake> {
  const mails: FakeMail[] = [];
  const sockets = new Set<Socket>();
  let failing = false;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = "";
    let inData = false;
    let envelope: { from: string; to: string[] } = { from: "", to: [] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 fake-smtp ESMTP ready");
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) {
            return;
          }
          const raw = Buffer.from(buffer.slice(0, end + 2), "latin1")
            .toString("utf8")
            .replace(/^\.\./gm, ".");
          buffer = buffer.slice(end + 5);
          inData = false;
          const { headers, text } = parseMail(raw);
          mails.push({
            ...envelope,
            subject: decodeWords(headers.get("subject") ?? ""),
            text,
            messageId: headers.get("message-id") ?? "",
            raw,
          });
          envelope = { from: "", to: [] };
          reply("250 2.0.0 queued");
          continue;
        }
        const newline = buffer.indexOf("\r\n");
        if (newline < 0) {
          return;
        }
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") {
          reply("250-fake-smtp");
          reply("250-8BITMIME");
          reply("250 SMTPUTF8");
        } else if (verb === "HELO" || verb === "NOOP") {
          reply("250 ok");
        } else if (verb === "MAIL") {
          if (failing) {
            reply("451 4.3.0 Temporary failure, try again later");
          } else {
            envelope = { from: line.replace(/^MAIL FROM:\s*<?([^>]*)>?.*$/i, "$1"), to: [] };
            reply("250 2.1.0 ok");
          }
        } else if (verb === "RCPT") {
          envelope.to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, "$1"));
          reply("250 2.1.5 ok");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 end with <CRLF>.<CRLF>");
        } else if (verb === "RSET") {
          envelope = { from: "", to: [] };
          reply("250 ok");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
          return;
        } else {
          reply("502 5.5.2 command not implemented");
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    mails,
    setFailing(value) {
      failing = value;
    },
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
