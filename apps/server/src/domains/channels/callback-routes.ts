import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { applyDeliveryReport, type ReportedStatus } from "../notifications/deliver.ts";
import { verifyWhatsappSignature } from "./whatsapp.ts";

declare module "fastify" {
  interface FastifyRequest {
    rawBytes?: Buffer;
  }
}

const tags = ["channels"];

function sameSecret(given: string, expected: string | undefined): boolean {
  if (!expected) {
    return false;
  }
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Africa's Talking delivery statuses (providers.md 4.3) as ours. */
const AT_STATUS: Record<string, ReportedStatus> = {
  Sent: "sent",
  Submitted: "sent",
  Buffered: "sent",
  Success: "delivered",
  Failed: "failed",
  Rejected: "failed",
};

const WA_STATUS: Record<string, ReportedStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
};

type WhatsappEnvelope = {
  entry?: {
    changes?: {
      value?: {
        statuses?: { id: string; status: string; errors?: { title?: string; code?: number }[] }[];
      };
    }[];
  }[];
};

/**
 * What the messaging providers call back: Africa's Talking delivery reports (no signature
 * exists: the URL carries a secret token, and the message id must be one we sent) and the
 * WhatsApp webhook (GET verification with the verify token; POSTs signed with the app secret
 * over the raw bytes). A forged call is refused with problem+json and changes nothing.
 */
export const channelCallbackRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const channels = ctx.config.channels;
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = body as Buffer;
    request.rawBytes = bytes;
    try {
      done(null, bytes.length > 0 ? JSON.parse(bytes.toString("utf8")) : {});
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.post(
    "/channels/sms/delivery-reports/:token",
    {
      config: { public: true, rateLimit: false },
      schema: {
        tags,
        summary: "Africa's Talking delivery reports",
        params: z.object({ token: z.string().max(200) }),
        body: z.object({
          id: z.string().min(1).max(200),
          status: z.string().max(40),
          phoneNumber: z.string().max(40).optional(),
          networkCode: z.string().max(20).optional(),
          failureReason: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      if (!sameSecret(request.params.token, channels.smsCallbackToken)) {
        throw new AppError("callback_token_invalid");
      }
      const status = AT_STATUS[request.body.status];
      if (status) {
        const known = await applyDeliveryReport(ctx.db, {
          driver: "africastalking",
          providerMessageId: request.body.id,
          status,
          ...(request.body.failureReason ? { error: request.body.failureReason } : {}),
        });
        if (!known) {
          // Maybe a report faster than our own record of sending: a 404 makes it come again.
          throw new AppError("not_found", "No message with this id");
        }
      }
      return reply.status(200).send({ ok: true });
    },
  );

  app.get(
    "/channels/whatsapp/webhook",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "WhatsApp webhook verification",
        querystring: z.object({
          "hub.mode": z.string().max(40).optional(),
          "hub.verify_token": z.string().max(200).optional(),
          "hub.challenge": z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (
        q["hub.mode"] !== "subscribe" ||
        !sameSecret(q["hub.verify_token"] ?? "", channels.whatsapp.verifyToken)
      ) {
        throw new AppError("webhook_verification_failed");
      }
      return reply.type("text/plain").send(q["hub.challenge"] ?? "");
    },
  );

  app.post(
    "/channels/whatsapp/webhook",
    {
      config: { public: true, rateLimit: false },
      schema: { tags, summary: "WhatsApp webhook notifications (message statuses)" },
    },
    async (request, reply) => {
      const secret = channels.whatsapp.appSecret;
      const signature = request.headers["x-hub-signature-256"];
      if (
        !secret ||
        !request.rawBytes ||
        !verifyWhatsappSignature(
          secret,
          request.rawBytes,
          typeof signature === "string" ? signature : undefined,
        )
      ) {
        throw new AppError("webhook_signature_invalid");
      }
      const envelope = request.body as WhatsappEnvelope;
      let unknown = false;
      for (const entry of envelope.entry ?? []) {
        for (const change of entry.changes ?? []) {
          for (const item of change.value?.statuses ?? []) {
            const status = WA_STATUS[item.status];
            if (status) {
              const error = item.errors?.[0];
              const known = await applyDeliveryReport(ctx.db, {
                driver: "whatsapp-cloud",
                providerMessageId: item.id,
                status,
                ...(error ? { error: `${error.code ?? ""} ${error.title ?? ""}`.trim() } : {}),
              });
              unknown ||= !known;
            }
          }
        }
      }
      // As for SMS: a status faster than our own record of sending is refused so that Meta sends
      // it again (reports only move a message forward, so the others applying twice is harmless).
      if (unknown) {
        return reply.status(404).send({ ok: false });
      }
      return reply.status(200).send({ ok: true });
    },
  );
};
