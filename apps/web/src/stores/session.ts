import type { TUser } from "@cs/contracts";
import { create } from "zustand";

/** `unknown` until the start-up refresh has answered; the access token never leaves memory. */
export type SessionStatus = "unknown" | "anonymous" | "authenticated";

/**
 * The last signed-in user, kept on this device so that a reload with no network opens the app
 * as that user (with no access token: nothing reaches the server until a refresh succeeds). It
 * holds the user's own profile only, and goes at logout or when the server ends the session.
 */
const LAST_USER_KEY = "cs-last-user";

function remember(user: TUser | null): void {
  try {
    if (user) {
      localStorage.setItem(LAST_USER_KEY, JSON.stringify(user));
    } else {
      localStorage.removeItem(LAST_USER_KEY);
    }
  } catch {
    // Storage full or blocked: the offline start is a convenience, not a requirement.
  }
}

/** The remembered user, if what is stored still looks like one. */
export function lastUser(): TUser | null {
  try {
    const value = JSON.parse(localStorage.getItem(LAST_USER_KEY) ?? "null") as Partial<TUser>;
    return value && typeof value.id === "string" && typeof value.role === "string"
      ? (value as TUser)
      : null;
  } catch {
    return null;
  }
}

type SessionState = {
  status: SessionStatus;
  accessToken: string | null;
  user: TUser | null;
  /** True after the user logged out here: guarded pages then lead home rather than to log in. */
  loggedOut: boolean;
  signIn: (accessToken: string, user: TUser) => void;
  setUser: (user: TUser) => void;
  signOut: (byUser?: boolean) => void;
  /** No network at start-up: carry on as the remembered user, or as nobody. */
  resumeOffline: () => void;
};

export const useSession = create<SessionState>()((set) => ({
  status: "unknown",
  accessToken: null,
  user: null,
  loggedOut: false,
  signIn: (accessToken, user) => {
    remember(user);
    set({ status: "authenticated", accessToken, user, loggedOut: false });
  },
  setUser: (user) => {
    remember(user);
    set({ user });
  },
  signOut: (byUser = false) => {
    remember(null);
    set({ status: "anonymous", accessToken: null, user: null, loggedOut: byUser });
  },
  resumeOffline: () => {
    const user = lastUser();
    set(
      user
        ? { status: "authenticated", accessToken: null, user, loggedOut: false }
        : { status: "anonymous", accessToken: null, user: null, loggedOut: false },
    );
  },
}));
