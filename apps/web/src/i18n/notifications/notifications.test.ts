import { describe, expect, it } from "vitest";
import { flatten, placeholders } from "../translation-tree.ts";
import en from "./en.json";
import nd from "./nd.json";
import sn from "./sn.json";

/** Names of channels that are the same word in every language. */
const SAME_AS_ENGLISH_ALLOWED = new Set([
  "preferences.channels.sms",
  "preferences.channels.whatsapp",
]);

describe("notification screen translations", () => {
  const english = flatten(en);
  for (const [language, tree] of Object.entries({ sn, nd })) {
    it(`${language} has every English key, translated, with the same placeholders`, () => {
      const messages = flatten(tree);
      expect([...english.keys()].filter((k) => !messages.get(k)?.trim())).toEqual([]);
      expect([...messages.keys()].filter((k) => !english.has(k))).toEqual([]);
      const copied = [...english]
        .filter(([key, value]) => messages.get(key) === value && !SAME_AS_ENGLISH_ALLOWED.has(key))
        .map(([key]) => key);
      expect(copied).toEqual([]);
      for (const [key, value] of english) {
        expect(placeholders(messages.get(key) ?? ""), `${language}: ${key}`).toEqual(
          placeholders(value),
        );
      }
    });
  }
});
