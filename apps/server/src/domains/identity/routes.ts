import {
  ZAccepted,
  ZLoginRequest,
  ZPasswordResetConfirm,
  ZPasswordResetRequest,
  ZRegisterRequest,
  ZSession,
  ZUser,
  ZVerifyPhoneRequest,
} from "@cs/contracts";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import {
  confirmPasswordReset,
  getMe,
  login,
  registerTrader,
  requestPasswordReset,
  resendVerification,
  verifyPhone,
} from "./accounts.ts";
import { endSession, type IssuedSession, rotateSession } from "./sessions.ts";

export const REFRESH_COOKIE = "cs_refresh";
const COOKIE_PATH = "/api/v1/auth";
const tags = ["auth"];

/** Registration, phone verification, login, refresh-token rotation, logout, password reset. */
export const identityRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const strict = { rateLimit: { max: ctx.config.authRateLimitPerMinute, timeWindow: "1 minute" } };
  const secure = ctx.config.production;

  function sendSession(reply: FastifyReply, issued: IssuedSession, status = 200) {
    reply.setCookie(REFRESH_COOKIE, issued.refreshToken, {
      httpOnly: true,
      secure,
      sameSite: "strict",
      path: COOKIE_PATH,
      expires: issued.refreshExpiresAt,
    });
    return reply.status(status).send(issued.session);
  }
  function clearCookie(reply: FastifyReply) {
    reply.clearCookie(REFRESH_COOKIE, {
      path: COOKIE_PATH,
      httpOnly: true,
      secure,
      sameSite: "strict",
    });
  }

  app.post(
    "/register",
    {
      config: { public: true, ...strict },
      schema: {
        tags,
        summary: "Register a trader; sends a verification code by SMS",
        body: ZRegisterRequest,
        response: { 201: ZSession },
      },
    },
    async (request, reply) =>
      sendSession(reply, await registerTrader(ctx, request.body, request.id), 201),
  );

  app.post(
    "/login",
    {
      config: { public: true, ...strict },
      schema: {
        tags,
        summary: "Sign in with phone and password",
        body: ZLoginRequest,
        response: { 200: ZSession },
      },
    },
    async (request, reply) => sendSession(reply, await login(ctx, request.body, request.id)),
  );

  app.post(
    "/refresh",
    {
      config: { public: true, ...strict },
      schema: {
        tags,
        summary: "Rotate the refresh cookie and get a new access token",
        response: { 200: ZSession },
      },
    },
    async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (!presented) {
        throw new AppError("refresh_token_missing");
      }
      try {
        return sendSession(reply, await rotateSession(ctx, presented));
      } catch (error) {
        clearCookie(reply);
        throw error;
      }
    },
  );

  app.post(
    "/logout",
    { config: { public: true }, schema: { tags, summary: "End this session" } },
    async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (presented) {
        await endSession(ctx.db, presented);
      }
      clearCookie(reply);
      return reply.status(204).send();
    },
  );

  app.get(
    "/me",
    {
      config: { permission: "session:self", allowUnverified: true },
      schema: {
        tags,
        summary: "The signed-in user",
        security: [{ bearer: [] }],
        response: { 200: ZUser },
      },
    },
    async (request) => getMe(ctx, requireActor(request)),
  );

  app.post(
    "/verify-phone",
    {
      config: { permission: "session:self", allowUnverified: true, ...strict },
      schema: {
        tags,
        summary: "Verify the phone with the SMS code",
        security: [{ bearer: [] }],
        body: ZVerifyPhoneRequest,
        response: { 200: ZUser },
      },
    },
    async (request) => verifyPhone(ctx, requireActor(request), request.body.code, request.id),
  );

  app.post(
    "/verify-phone/resend",
    {
      config: { permission: "session:self", allowUnverified: true, ...strict },
      schema: {
        tags,
        summary: "Send a new verification code",
        security: [{ bearer: [] }],
        response: { 202: ZAccepted },
      },
    },
    async (request, reply) => {
      await resendVerification(ctx, requireActor(request));
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    "/password-reset/request",
    {
      config: { public: true, ...strict },
      schema: {
        tags,
        summary: "Send a password reset code by SMS (same answer for unknown phones)",
        body: ZPasswordResetRequest,
        response: { 202: ZAccepted },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.phone);
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    "/password-reset/confirm",
    {
      config: { public: true, ...strict },
      schema: {
        tags,
        summary: "Set a new password with the reset code",
        body: ZPasswordResetConfirm,
        response: { 200: ZAccepted },
      },
    },
    async (request) => {
      await confirmPasswordReset(ctx, request.body, request.id);
      return { ok: true as const };
    },
  );
};
