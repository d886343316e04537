import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { splitCsvLine } from "./csv.ts";
import { DataError, loadDataset, parseInteractions, parseItems, parseTime } from "./load.ts";

describe("splitCsvLine", () => {
  it("reads quoted fields with commas and doubled quotes", () => {
    expect(splitCsvLine('21111,"SWISS ROLL TOWEL, CHOCOLATE",,2.95')).toEqual([
      "21111",
      "SWISS ROLL TOWEL, CHOCOLATE",
      "",
      "2.95",
    ]);
    expect(splitCsvLine('a,"say ""hi""",b')).toEqual(["a", 'say "hi"', "b"]);
  });

  it("refuses an unterminated quote", () => {
    expect(splitCsvLine('a,"broken')).toBeNull();
  });
});

describe("parseInteractions", () => {
  it("skips and counts bad rows instead of failing", () => {
    const text = [
      "user_id,item_id,timestamp,quantity",
      "u1,i1,2011-01-01T10:00:00,2",
      ",i1,2011-01-01T10:00:00,1",
      "u2,,2011-01-01T10:00:00,1",
      "u2,i2,not a time,1",
      "u2,i2,2011-01-02,many",
      'u3,"i3,2011-01-02,1',
      "u3,i3,2011-01-03",
    ].join("\n");
    const parsed = parseInteractions(text);
    expect(parsed.skipped).toBe(5);
    expect(parsed.rows.map((r) => r.userId)).toEqual(["u1", "u3"]);
    expect(parsed.rows[1]?.quantity).toBe(1);
  });

  it("reads times without a zone as UTC", () => {
    expect(parseTime("2011-07-12T11:55:00")).toBe(Date.UTC(2011, 6, 12, 11, 55));
    expect(parseTime("2015-08-13")).toBe(Date.UTC(2015, 7, 13));
  });

  it("explains a header without the needed columns in one line", () => {
    expect(() => parseInteractions("a,b,c\n1,2,3")).toThrow(
      /no user_id, item_id, timestamp column/,
    );
  });
});

describe("parseItems", () => {
  it("keeps items without text, category or price", () => {
    const parsed = parseItems(
      "item_id,text,category,unit_price\ni1,,,\ni2,Cooking oil 2 L,oil,x\n,lost,,",
    );
    expect(parsed.skipped).toBe(1);
    expect(parsed.rows).toEqual([
      { itemId: "i1", text: "", category: "", supplier: "", unitPrice: null },
      { itemId: "i2", text: "Cooking oil 2 L", category: "oil", supplier: "", unitPrice: null },
    ]);
  });
});

describe("loadDataset", () => {
  it("explains a wrong path in one line", () => {
    expect(() => loadDataset("/no/such/folder")).toThrow(DataError);
    expect(() => loadDataset("/no/such/folder")).toThrow(/^\/no\/such\/folder: no such folder/);
  });

  it("explains a folder without interactions.csv", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "reco-"));
    expect(() => loadDataset(dir)).toThrow(/no interactions\.csv/);
  });

  it("explains an empty interactions file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "reco-"));
    writeFileSync(path.join(dir, "interactions.csv"), "");
    expect(() => loadDataset(dir)).toThrow(/empty, expected a header/);
  });

  it("loads a folder without items.csv", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "reco-"));
    writeFileSync(path.join(dir, "interactions.csv"), "user_id,item_id,timestamp\nu,i,2020-01-01");
    const data = loadDataset(dir);
    expect(data.interactions).toHaveLength(1);
    expect(data.items).toEqual([]);
  });
});
