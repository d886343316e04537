import type { TUser } from "@cs/contracts";
import { initI18n, setLanguage, storedLanguage } from "../i18n/index.ts";
import { useSession } from "../stores/session.ts";
import { refreshSession } from "./api.ts";

/**
 * Restores the session after a reload from the refresh cookie. A language chosen on this device
 * wins; otherwise the signed-in user's own language is used.
 */
export async function restoreSession(): Promise<void> {
  // Started offline as the remembered user: get a real session as soon as the network is back.
  window.addEventListener("online", () => {
    const { status, accessToken } = useSession.getState();
    if (status === "authenticated" && !accessToken) {
      void refreshSession();
    }
  });
  const session = await refreshSession();
  await initI18n();
  if (session && !storedLanguage()) {
    await applyLanguage(session.user, false);
  }
}

/** Switches the UI to the user's language (after an explicit log in or registration). */
export async function applyLanguage(user: TUser, persist = true): Promise<void> {
  try {
    await initI18n();
    await setLanguage(user.language, persist);
  } catch {
    // Language chunk unavailable offline: keep the current language.
  }
}
