import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { splitCsvLine, splitLines } from "./csv.ts";
import type { Interaction, Item } from "./types.ts";

/** A data folder that cannot be read, with a message of one line for the person who ran it. */
export class DataError extends Error {
  override name = "DataError";
}

export interface ParsedRows<T> {
  rows: T[];
  /** Rows skipped because a field was missing or unreadable. */
  skipped: number;
}

export interface Dataset {
  interactions: Interaction[];
  items: Item[];
  skipped: { interactions: number; items: number };
}

const INTERACTION_COLUMNS = ["user_id", "item_id", "timestamp"];
const ITEM_COLUMNS = ["item_id"];

function columnIndex(header: string[], file: string, required: string[]): Map<string, number> {
  const index = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
  const missing = required.filter((name) => !index.has(name));
  if (missing.length > 0) {
    throw new DataError(
      `${file}: the header has no ${missing.join(", ")} column (expected ${required.join(",")},…)`,
    );
  }
  return index;
}

/** Reads an ISO time; one without a zone is UTC, as in the public data sets. */
export function parseTime(text: string): number {
  const t = text.trim();
  if (t === "") {
    return Number.NaN;
  }
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(t) || t.length <= 10 ? t : `${t}Z`;
  return Date.parse(zoned);
}

/** Parses interactions.csv text: user_id,item_id,timestamp[,quantity]. */
export function parseInteractions(
  text: string,
  file = "interactions.csv",
): ParsedRows<Interaction> {
  const lines = splitLines(text);
  const header = lines.length > 0 ? splitCsvLine(lines[0] ?? "") : null;
  if (!header) {
    throw new DataError(`${file}: empty, expected a header user_id,item_id,timestamp,quantity`);
  }
  const col = columnIndex(header, file, INTERACTION_COLUMNS);
  const [u, i, t] = INTERACTION_COLUMNS.map((name) => col.get(name) ?? -1) as [
    number,
    number,
    number,
  ];
  const q = col.get("quantity") ?? -1;
  const rows: Interaction[] = [];
  let skipped = 0;
  for (let l = 1; l < lines.length; l++) {
    const f = splitCsvLine(lines[l] ?? "");
    const userId = f?.[u]?.trim();
    const itemId = f?.[i]?.trim();
    const timestamp = parseTime(f?.[t] ?? "");
    const quantityText = q >= 0 ? (f?.[q]?.trim() ?? "") : "";
    const quantity = quantityText === "" ? 1 : Number(quantityText);
    if (!userId || !itemId || !Number.isFinite(timestamp) || !Number.isFinite(quantity)) {
      skipped++;
      continue;
    }
    rows.push({ userId, itemId, timestamp, quantity });
  }
  return { rows, skipped };
}

/** Parses items.csv text: item_id[,text,category,unit_price]; text and the rest may be empty. */
export function parseItems(text: string, file = "items.csv"): ParsedRows<Item> {
  const lines = splitLines(text);
  const header = lines.length > 0 ? splitCsvLine(lines[0] ?? "") : null;
  if (!header) {
    throw new DataError(`${file}: empty, expected a header item_id,text,category,unit_price`);
  }
  const col = columnIndex(header, file, ITEM_COLUMNS);
  const at = (f: string[], name: string) => {
    const c = col.get(name);
    return c === undefined ? "" : (f[c] ?? "").trim();
  };
  const rows: Item[] = [];
  let skipped = 0;
  for (let l = 1; l < lines.length; l++) {
    const f = splitCsvLine(lines[l] ?? "");
    const itemId = f ? at(f, "item_id") : "";
    if (!f || !itemId) {
      skipped++;
      continue;
    }
    const priceText = at(f, "unit_price");
    const price = priceText === "" ? null : Number(priceText);
    rows.push({
      itemId,
      text: at(f, "text"),
      category: at(f, "category"),
      supplier: at(f, "supplier"),
      unitPrice: price !== null && Number.isFinite(price) ? price : null,
    });
  }
  return { rows, skipped };
}

/**
 * Loads a data folder in the generic format (interactions.csv, and items.csv if present).
 * Throws DataError with a one-line reason for a wrong path or format; bad rows are counted.
 */
export function loadDataset(dir: string): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DataError(
      `${dir}: no such folder (expected one with interactions.csv and items.csv)`,
    );
  }
  const interactionsFile = path.join(dir, "interactions.csv");
  if (!existsSync(interactionsFile)) {
    throw new DataError(`${dir}: no interactions.csv (user_id,item_id,timestamp,quantity)`);
  }
  const interactions = parseInteractions(readFileSync(interactionsFile, "utf8"), interactionsFile);
  const itemsFile = path.join(dir, "items.csv");
  const items = existsSync(itemsFile)
    ? parseItems(readFileSync(itemsFile, "utf8"), itemsFile)
    : { rows: [], skipped: 0 };
  return {
    interactions: interactions.rows,
    items: items.rows,
    skipped: { interactions: interactions.skipped, items: items.skipped },
  };
}
