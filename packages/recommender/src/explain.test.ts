import { describe, expect, it } from "vitest";
import { LANGUAGES, MESSAGE_KEYS, MESSAGES, renderExplanation } from "./explain.ts";
import { fitHybrid } from "./hybrid.ts";
import { recommend } from "./recommend.ts";
import { syntheticMarket } from "./test-market.ts";

describe("explanations", () => {
  it("has every message key in English, Shona and Ndebele, with the same parameters", () => {
    for (const key of MESSAGE_KEYS) {
      const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const language of LANGUAGES) {
        expect(MESSAGES[language][key], `${language} ${key}`).toBeTruthy();
        expect(params(MESSAGES[language][key])).toEqual(params(MESSAGES.en[key]));
      }
    }
    for (const language of LANGUAGES) {
      expect(Object.keys(MESSAGES[language]).sort()).toEqual([...MESSAGE_KEYS].sort());
    }
  });

  it("renders a recommendation's reason in each language, English for an unknown one", () => {
    const market = syntheticMarket();
    const model = fitHybrid(market);
    const items = recommend(model, { userId: "trader-3", k: 10 }).items;
    for (const item of items) {
      for (const language of [...LANGUAGES, "fr"]) {
        const text = renderExplanation(item.explanation, language);
        expect(text).not.toMatch(/\{\w+\}/);
        expect(text.length).toBeGreaterThan(5);
      }
    }
    expect(
      renderExplanation(
        {
          component: "popularity",
          key: "recommend.popularity.market",
          params: { market: "Mbare" },
          because: [],
        },
        "sn",
      ),
    ).toBe("Chiri kutengwa zvikuru kuMbare svondo rino");
  });
});
