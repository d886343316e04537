/** What a trader did with a product. Stronger kinds say more about what the trader wants. */
export type InteractionKind = "view" | "click" | "join" | "payment";

/** One event of a trader with a product (a purchase line in the public data sets). */
export interface Interaction {
  userId: string;
  itemId: string;
  /** Milliseconds since the epoch (UTC). */
  timestamp: number;
  quantity?: number;
  /** Missing means a purchase (as in the public data sets), weighted like a payment. */
  kind?: InteractionKind;
  /** The market the trader buys in (for popularity per market). */
  market?: string;
}

/** A product of the catalogue with the text the content model reads. */
export interface Item {
  itemId: string;
  text?: string;
  category?: string;
  supplier?: string;
  unitPrice?: number | null;
  /** When the product entered the catalogue (ms); recent products get a bounded freshness bonus. */
  createdAt?: number;
}

/** A trader's stated preferences, for cold start (no history yet) and segments. */
export interface TraderProfile {
  userId: string;
  market?: string;
  categories?: string[];
  /** Budget range per purchase in the catalogue's price unit. */
  budgetMin?: number;
  budgetMax?: number;
  /** The group size the trader likes to buy in. */
  groupSize?: number;
}

/** The components whose additive contributions make a hybrid score. */
export const COMPONENTS = ["cf", "content", "popularity", "buyAgain", "freshness"] as const;
export type Component = (typeof COMPONENTS)[number];
