import { randomUUID } from "node:crypto";
import { type FakeServer, startFakeServer } from "../../payments/fakes/fake-server.ts";

/**
 * A local Africa's Talking SMS API (providers.md 4.2, 4.3, 4.6): `POST /version1/messaging`
 * needs the `apiKey` header and the username; it answers 201 with one Recipient per number and
 * later posts delivery reports (Submitted, then Success) form-encoded to the report URL.
 * Magic numbers: ending 403 → InvalidPhoneNumber, 406 → UserInBlacklist (refused at once),
 * 999 → accepted, then reported Failed.
 */
export interface AfricasTalkingFakeOptions {
  username: string;
  apiKey: string;
  host?: string;
  port?: number;
  timeScale?: number;
}

export interface FakeSms {
  to: string;
  message: string;
  from: string | null;
  messageId: string;
}

export interface AfricasTalkingFake extends FakeServer {
  messages: FakeSms[];
  /** Where delivery reports go (set in the dashboard; here, settable later). */
  setReportUrl(url: string | null): void;
}

const REFUSED: Record<string, { statusCode: number; status: string }> = {
  "403": { statusCode: 403, status: "InvalidPhoneNumber" },
  "406": { statusCode: 406, status: "UserInBlacklist" },
};

export async function startAfricasTalkingFake(
  options: AfricasTalkingFakeOptions,
): Promise<AfricasTalkingFake> {
  const messages: FakeSms[] = [];
  let reportUrl: string | null = null;
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const json = (status: number, body: unknown) => ({
    status,
    type: "application/json",
    body: JSON.stringify(body),
  });
  const server: FakeServer = await startFakeServer({
    host: options.host,
    port: options.port,
    timeScale: options.timeScale ?? 1,
    callbackAttempts: 5,
    handle(request) {
      if (request.method !== "POST" || request.path !== "/version1/messaging") {
        return { status: 404, body: "Not found" };
      }
      if (request.headers.apikey !== options.apiKey) {
        return { status: 401, body: "The supplied authentication is invalid" };
      }
      const fields = new URLSearchParams(request.body);
      if (fields.get("username") !== options.username) {
        return { status: 401, body: "The supplied authentication is invalid" };
      }
      const message = fields.get("message") ?? "";
      const numbers = (fields.get("to") ?? "").split(",").filter(Boolean);
      if (!message || numbers.length === 0) {
        return { status: 400, body: "Must have to and message" };
      }
      const recipients = numbers.map((number) => {
        const refused = REFUSED[number.slice(-3)];
        if (refused) {
          return { ...refused, number, cost: "0", messageId: "None" };
        }
        const messageId = `ATXid_${randomUUID().replaceAll("-", "")}`;
        messages.push({ to: number, message, from: fields.get("from"), messageId });
        if (reportUrl) {
          const url = reportUrl;
          const report = (status: string, extra: Record<string, string> = {}) =>
            new URLSearchParams({
              id: messageId,
              status,
              phoneNumber: number,
              networkCode: "64804",
              ...extra,
            }).toString();
          server.later(20, () => server.callback(url, report("Submitted"), form));
          server.later(60, () =>
            server.callback(
              url,
              number.endsWith("999")
                ? report("Failed", { failureReason: "UserIsInactive" })
                : report("Success"),
              form,
            ),
          );
        }
        return { statusCode: 101, number, status: "Success", cost: "USD 0.0200", messageId };
      });
      const sent = recipients.filter((r) => r.statusCode === 101).length;
      return json(201, {
        SMSMessageData: {
          Message: `Sent to ${sent}/${numbers.length} Total Cost: USD ${(sent * 0.02).toFixed(4)}`,
          Recipients: recipients,
        },
      });
    },
  });
  return Object.assign(server, {
    messages,
    setReportUrl(url: string | null) {
      reportUrl = url;
    },
  });
}
