import i18next from "i18next";
import en from "../../i18n/chat/en.json";
import nd from "../../i18n/chat/nd.json";
import sn from "../../i18n/chat/sn.json";

const TEXTS = { en, sn, nd } as const;
let attached = false;

function addFor(language: string): void {
  const texts = TEXTS[language as keyof typeof TEXTS];
  // Only into a language already loaded: adding to an absent one would make the app believe
  // that language is loaded and skip fetching the rest of it.
  if (texts && i18next.hasResourceBundle(language, "translation")) {
    i18next.addResourceBundle(language, "translation", texts, true, false);
  }
}

/**
 * The chat's texts in all three languages ship with the chat's chunk, not the landing bundle:
 * most visitors never open a group's chat. Languages loaded later get them as they switch.
 */
export function addChatTexts(): void {
  if (attached) {
    return;
  }
  attached = true;
  for (const language of Object.keys(TEXTS)) {
    addFor(language);
  }
  i18next.on("languageChanged", addFor);
}
