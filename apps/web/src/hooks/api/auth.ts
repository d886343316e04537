import {
  type TLoginRequest,
  type TPasswordResetConfirm,
  type TRegisterRequest,
  type TSession,
  type TUser,
  type TVerifyPhoneRequest,
  ZAccepted,
  ZSession,
  ZUser,
} from "@cs/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { applyLanguage } from "../../lib/auth-session.ts";
import { useSession } from "../../stores/session.ts";

export const authKeys = {
  all: ["auth"] as const,
  me: (userId: string) => [...authKeys.all, "me", userId] as const,
};

function useStartSession() {
  const queryClient = useQueryClient();
  return async (raw: unknown): Promise<TSession> => {
    const session = ZSession.parse(raw);
    // A different person may have used this phone before: never show their cached data.
    queryClient.clear();
    useSession.getState().signIn(session.accessToken, session.user);
    await applyLanguage(session.user);
    return session;
  };
}

/** `POST /api/v1/auth/register`: creates the trader, signs them in and sends the SMS code. */
export function useRegister() {
  const startSession = useStartSession();
  return useMutation({
    mutationFn: async (input: TRegisterRequest) =>
      startSession(await api<unknown>("/api/v1/auth/register", { method: "POST", body: input })),
  });
}

/** `POST /api/v1/auth/login`. */
export function useLogin() {
  const startSession = useStartSession();
  return useMutation({
    mutationFn: async (input: TLoginRequest) =>
      startSession(await api<unknown>("/api/v1/auth/login", { method: "POST", body: input })),
  });
}

/** `POST /api/v1/auth/logout`: ends the session here even if the server cannot be reached. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api<void>("/api/v1/auth/logout", { method: "POST" });
      } finally {
        useSession.getState().signOut(true);
        queryClient.clear();
      }
    },
  });
}

/** `POST /api/v1/auth/verify-phone`: answers the updated user. */
export function useVerifyPhone() {
  return useMutation({
    mutationFn: async (input: TVerifyPhoneRequest): Promise<TUser> => {
      const user = ZUser.parse(
        await api<unknown>("/api/v1/auth/verify-phone", { method: "POST", body: input }),
      );
      useSession.getState().setUser(user);
      return user;
    },
  });
}

/** `POST /api/v1/auth/verify-phone/resend`. */
export function useResendCode() {
  return useMutation({
    mutationFn: async () =>
      ZAccepted.parse(await api<unknown>("/api/v1/auth/verify-phone/resend", { method: "POST" })),
  });
}

/** `POST /api/v1/auth/password-reset/request`: always 202, whether or not the phone is known. */
export function usePasswordResetRequest() {
  return useMutation({
    mutationFn: async (input: { phone: string }) => {
      await api<unknown>("/api/v1/auth/password-reset/request", { method: "POST", body: input });
    },
  });
}

/** `POST /api/v1/auth/password-reset/confirm`. */
export function usePasswordResetConfirm() {
  return useMutation({
    mutationFn: async (input: TPasswordResetConfirm) =>
      ZAccepted.parse(
        await api<unknown>("/api/v1/auth/password-reset/confirm", { method: "POST", body: input }),
      ),
  });
}
