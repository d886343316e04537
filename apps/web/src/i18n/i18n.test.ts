import { ERROR_CODES, LANGUAGES } from "@cs/contracts";
import { describe, expect, it } from "vitest";
import chatEn from "./chat/en.json";
import chatNd from "./chat/nd.json";
import chatSn from "./chat/sn.json";
import en from "./en.json";
import { UI_LANGUAGES } from "./index.ts";
import nd from "./nd.json";
import sn from "./sn.json";
import staffEn from "./staff/en.json";
import staffNd from "./staff/nd.json";
import staffSn from "./staff/sn.json";
import { flatten, placeholders, type Tree } from "./translation-tree.ts";

// The chat's texts load with the chat's own chunk (chat/*.json), and are checked the same way.
/** A language's core texts with its staff areas' texts, as i18next deep-merges them. */
function merged(core: Tree, staff: Tree): Map<string, string> {
  const all = flatten(core);
  for (const [key, value] of flatten(staff)) {
    expect(all.has(key), `${key} in both the core and the staff texts`).toBe(false);
    all.set(key, value);
  }
  return all;
}

const english = merged({ ...en, ...chatEn }, staffEn);
const translations = {
  sn: merged({ ...sn, ...chatSn }, staffSn),
  nd: merged({ ...nd, ...chatNd }, staffNd),
} as const;

/** Keys whose value may legitimately equal English (brand names). Keep this list short. */
const SAME_AS_ENGLISH_ALLOWED = new Set(["app.name"]);

describe("translations", () => {
  it("cover the same languages as the API", () => {
    expect([...UI_LANGUAGES].sort()).toEqual([...LANGUAGES].sort());
  });

  it("have no empty English string", () => {
    for (const [key, value] of english) {
      expect(value.trim(), `en: ${key}`).not.toBe("");
    }
  });

  it("translate every API error code", () => {
    for (const code of ERROR_CODES) {
      expect(english.has(`errors.${code}`), `en: errors.${code}`).toBe(true);
    }
  });

  for (const [language, messages] of Object.entries(translations)) {
    describe(language, () => {
      it("has every English key, non-empty, and no extra keys", () => {
        const missing = [...english.keys()].filter((k) => !messages.get(k)?.trim());
        const extra = [...messages.keys()].filter((k) => !english.has(k));
        expect(missing, `${language} missing or empty`).toEqual([]);
        expect(extra, `${language} keys unknown to English`).toEqual([]);
      });

      it("is a real translation, not an English copy", () => {
        const copied = [...english]
          .filter(([key, value]) => messages.get(key) === value)
          .map(([key]) => key)
          .filter((key) => !SAME_AS_ENGLISH_ALLOWED.has(key));
        expect(copied, `${language} values identical to English`).toEqual([]);
      });

      it("keeps every {{placeholder}} of the English text", () => {
        for (const [key, value] of english) {
          expect(placeholders(messages.get(key) ?? ""), `${language}: ${key}`).toEqual(
            placeholders(value),
          );
        }
      });
    });
  }
});
