import type { TUser } from "@cs/contracts";
import { create } from "zustand";

/** `unknown` until the start-up refresh has answered; the access token never leaves memory. */
export type SessionStatus = "unknown" | "anonymous" | "authenticated";

type SessionState = {
  status: SessionStatus;
  accessToken: string | null;
  user: TUser | null;
  /** True after the user logged out here: guarded pages then lead home rather than to log in. */
  loggedOut: boolean;
  signIn: (accessToken: string, user: TUser) => void;
  setUser: (user: TUser) => void;
  signOut: (byUser?: boolean) => void;
};

export const useSession = create<SessionState>()((set) => ({
  status: "unknown",
  accessToken: null,
  user: null,
  loggedOut: false,
  signIn: (accessToken, user) => {
    set({ status: "authenticated", accessToken, user, loggedOut: false });
  },
  setUser: (user) => {
    set({ user });
  },
  signOut: (byUser = false) => {
    set({ status: "anonymous", accessToken: null, user: null, loggedOut: byUser });
  },
}));
