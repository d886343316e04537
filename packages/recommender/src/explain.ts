import type { Component } from "./types.ts";

/** Languages the product speaks. */
export type Language = "en" | "sn" | "nd";
export const LANGUAGES: readonly Language[] = ["en", "sn", "nd"];

/** Why a product is recommended: a message key and its parameters, rendered by the client. */
export interface Explanation {
  /** The component with the largest contribution. */
  component: Component;
  key: MessageKey;
  params: Record<string, string | number>;
  /** The trader's products (ids) or preferences behind the reason. */
  because: string[];
}

export const MESSAGE_KEYS = [
  "recommend.cf.similarItems",
  "recommend.cf.similarTraders",
  "recommend.cf.similarTradersInMarket",
  "recommend.content.similarTo",
  "recommend.content.preferredCategory",
  "recommend.popularity.market",
  "recommend.popularity.global",
  "recommend.buyAgain.due",
  "recommend.buyAgain.staple",
  "recommend.freshness.new",
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/**
 * The templates, {name} for a parameter. Shona and Ndebele were written by the team and want a
 * native speaker's review before launch (the web app's i18n files are the place to refine them).
 */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = {
  en: {
    "recommend.cf.similarItems": "Traders who bought {items} also bought this",
    "recommend.cf.similarTraders": "Traders like you bought this",
    "recommend.cf.similarTradersInMarket": "Traders like you in {market} bought this",
    "recommend.content.similarTo": "Like {item}, which you bought",
    "recommend.content.preferredCategory": "In {category}, a category you chose",
    "recommend.popularity.market": "Popular in {market} this week",
    "recommend.popularity.global": "Popular with traders this week",
    "recommend.buyAgain.due": "You buy this about every {days} days: it is due again",
    "recommend.buyAgain.staple": "You have bought this {count} times",
    "recommend.freshness.new": "New on ConnectSphere",
  },
  sn: {
    "recommend.cf.similarItems": "Vatengesi vakatenga {items} vakatengawo ichi",
    "recommend.cf.similarTraders": "Vatengesi vakafanana newe vakatenga ichi",
    "recommend.cf.similarTradersInMarket": "Vatengesi vakafanana newe ku{market} vakatenga ichi",
    "recommend.content.similarTo": "Chakafanana ne{item} chawakatenga",
    "recommend.content.preferredCategory": "Chiri mu{category}, chikamu chawakasarudza",
    "recommend.popularity.market": "Chiri kutengwa zvikuru ku{market} svondo rino",
    "recommend.popularity.global": "Chiri kutengwa zvikuru nevatengesi svondo rino",
    "recommend.buyAgain.due": "Unotenga ichi mazuva {days} oga oga: yava nguva yekutenga zvakare",
    "recommend.buyAgain.staple": "Watenga ichi kanokwana ka{count}",
    "recommend.freshness.new": "Chitsva paConnectSphere",
  },
  nd: {
    "recommend.cf.similarItems": "Abathengisi abathenga {items} bathenga lalokhu",
    "recommend.cf.similarTraders": "Abathengisi abafana lawe bathenga lokhu",
    "recommend.cf.similarTradersInMarket": "Abathengisi abafana lawe e{market} bathenga lokhu",
    "recommend.content.similarTo": "Kufana lo{item} owakuthengayo",
    "recommend.content.preferredCategory": "Kusemhlobeni we{category} owawukhethayo",
    "recommend.popularity.market": "Kuthengwa kakhulu e{market} kuleli viki",
    "recommend.popularity.global": "Kuthengwa kakhulu ngabathengisi kuleli viki",
    "recommend.buyAgain.due":
      "Uthenga lokhu insuku ezingu-{days} zonke: sekuyisikhathi sokuthenga futhi",
    "recommend.buyAgain.staple": "Usuthenge lokhu izikhathi ezingu-{count}",
    "recommend.freshness.new": "Okutsha kuConnectSphere",
  },
};

/** Renders an explanation in a language (English for an unknown one); unknown params stay. */
export function renderExplanation(explanation: Explanation, language: string): string {
  const messages =
    MESSAGES[(LANGUAGES as readonly string[]).includes(language) ? (language as Language) : "en"];
  return messages[explanation.key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = explanation.params[name];
    return value === undefined ? whole : String(value);
  });
}
