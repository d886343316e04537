import type { ErrorCode } from "@cs/contracts";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, ERROR_CATALOGUE, type FieldError } from "./errors.ts";

const TYPE_BASE = "https://connectsphere.app/problems/";

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string | undefined,
  errors?: FieldError[],
) {
  const { status, title } = ERROR_CATALOGUE[code];
  return reply
    .status(status)
    .type("application/problem+json")
    .send({
      type: `${TYPE_BASE}${code}`,
      title,
      status,
      ...(detail && detail !== title ? { detail } : {}),
      code,
      instance: request.url.split("?")[0],
      requestId: request.id,
      ...(errors ? { errors } : {}),
    });
}

/** Maps a Fastify built-in error to our catalogue, or null when it is not one we know. */
function fastifyErrorCode(error: FastifyError): ErrorCode | null {
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "malformed_json";
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "payload_too_large";
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return "unsupported_media_type";
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return "malformed_json";
  }
  if (error.statusCode === 429) {
    return "rate_limited";
  }
  return null;
}

/** One error handler for the whole API: RFC 9457 problem+json with a stable code. */
export function registerProblemHandlers(
  app: FastifyInstance,
  pageFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) {
        reply.headers(error.headers);
      }
      return send(reply, request, error.code, error.message, error.errors);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.flatMap((issue) => {
        const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
        const message = issue.message ?? "invalid";
        const keys =
          issue.keyword === "unrecognized_keys"
            ? (issue.params as { keys?: string[] }).keys
            : undefined;
        // One entry per unknown field, each named, so a client can point at it.
        return keys
          ? keys.map((key) => ({
              path: path ? `${path}.${key}` : key,
              message: "Unknown field",
              code: "unknown_field",
            }))
          : [{ path, message, code: issue.keyword }];
      });
      const code = errors.every((e) => e.path === "phone") ? "phone_invalid" : "validation_failed";
      return send(reply, request, code, `Invalid ${error.validationContext ?? "request"}`, errors);
    }
    const known = fastifyErrorCode(error);
    if (known) {
      return send(reply, request, known, error.message);
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, request, "internal_error", undefined);
  });

  app.setNotFoundHandler(
    (request, reply) =>
      pageFallback?.(request, reply) ?? send(reply, request, "route_not_found", undefined),
  );
}
