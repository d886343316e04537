import i18next from "i18next";
import en from "./notifications/en.json";
import nd from "./notifications/nd.json";
import sn from "./notifications/sn.json";

/**
 * The notification screens' texts, a namespace of their own: imported only by those lazy
 * screens (and the Manage area), so the landing bundle does not grow with them.
 */
export const NOTIFICATIONS_NS = "notifications";
export const NOTIFICATION_TEXTS = { en, sn, nd } as const;

for (const [language, bundle] of Object.entries(NOTIFICATION_TEXTS)) {
  if (!i18next.hasResourceBundle(language, NOTIFICATIONS_NS)) {
    i18next.addResourceBundle(language, NOTIFICATIONS_NS, bundle, true, true);
  }
}
