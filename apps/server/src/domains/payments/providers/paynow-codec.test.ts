import { describe, expect, it } from "vitest";
import { fromMajorUnits, toMajorUnits } from "./amounts.ts";
import {
  decodePaynowMessage,
  encodePaynowMessage,
  hasValidPaynowHash,
  paynowField,
  paynowHash,
  toPaynowPhone,
} from "./paynow-codec.ts";

// The integration key of Paynow's documented examples (providers.md 1.4).
const KEY = "3e9fed89-60e1-4ce5-ab6e-6b1eb2d4f977";

describe("Paynow hash", () => {
  it("signs the documented outbound example exactly", () => {
    const values = [
      "1201",
      "TEST REF",
      "99.99",
      "A test ticket transaction",
      "http://www.google.com/search?q=returnurl",
      "http://www.google.com/search?q=resulturl",
      "Message",
    ];
    expect(paynowHash(values, KEY)).toBe(
      "2A033FC38798D913D42ECB786B9B19645ADEDBDE788862032F1BD82CF3B92DEF84F316385D5B40DBB35F1A4FD7D5BFE73835174136463CDD48C9366B0749C689",
    );
    // Every SDK lowercases the key: an uppercase copy of it signs the same.
    expect(paynowHash(values, KEY.toUpperCase())).toBe(paynowHash(values, KEY));
  });

  it("checks the documented inbound example over the form-decoded values in message order", () => {
    const body =
      "status=Ok&browserurl=https%3a%2f%2fstaging.paynow.co.zw%2fPayment%2fConfirmPayment%2f9510&pollurl=https%3a%2f%2fstaging.paynow.co.zw%2fInterface%2fCheckPayment%2f%3fguid%3dc7ed41da-0159-46da-b428-69549f770413&paynowreference=9510";
    const hash = paynowHash(
      decodePaynowMessage(body).map(([, value]) => value),
      KEY,
    );
    // providers.md quotes this hash as 750DD0B0...DF4D.
    expect(hash).toMatch(/^750DD0B0[0-9A-F]{116}DF4D$/);
    const message = decodePaynowMessage(`${body}&hash=${hash}`);
    expect(hasValidPaynowHash(message, KEY)).toBe(true);
    expect(paynowField(message, "pollurl")).toBe(
      "https://staging.paynow.co.zw/Interface/CheckPayment/?guid=c7ed41da-0159-46da-b428-69549f770413",
    );
  });

  it("refuses a message whose value, order, key or hash differ", () => {
    const body = encodePaynowMessage(
      [
        ["reference", "abc"],
        ["amount", "10.00"],
        ["status", "Paid"],
      ],
      KEY,
    );
    expect(hasValidPaynowHash(decodePaynowMessage(body), KEY)).toBe(true);
    expect(hasValidPaynowHash(decodePaynowMessage(body.replace("10.00", "11.00")), KEY)).toBe(
      false,
    );
    expect(hasValidPaynowHash(decodePaynowMessage(body), "another-key")).toBe(false);
    const reordered = decodePaynowMessage(body);
    expect(
      hasValidPaynowHash([reordered[1], reordered[0], ...reordered.slice(2)] as never, KEY),
    ).toBe(false);
    expect(hasValidPaynowHash(decodePaynowMessage("reference=abc&status=Paid"), KEY)).toBe(false);
    // A lowercase copy of a right hash is still the right hash.
    expect(
      hasValidPaynowHash(
        decodePaynowMessage(
          body.replace(/hash=(\w+)/, (_m, h: string) => `hash=${h.toLowerCase()}`),
        ),
        KEY,
      ),
    ).toBe(true);
  });

  it("keeps empty values and reads capitalised keys", () => {
    const message = decodePaynowMessage("Status=Ok&Error=&PollUrl=x");
    expect(message).toEqual([
      ["status", "Ok"],
      ["error", ""],
      ["pollurl", "x"],
    ]);
  });
});

describe("provider amounts and Paynow phones", () => {
  it("writes minor units with two decimals and reads them back without floats", () => {
    expect(toMajorUnits(1)).toBe("0.01");
    expect(toMajorUnits(9999)).toBe("99.99");
    expect(toMajorUnits(100_000)).toBe("1000.00");
    expect(fromMajorUnits("99.99")).toBe(9999);
    expect(fromMajorUnits("5.0")).toBe(500);
    expect(fromMajorUnits("1,082.00")).toBe(108_200);
    expect(fromMajorUnits("12")).toBe(1200);
    expect(fromMajorUnits(12.5)).toBe(1250);
    expect(fromMajorUnits(0.07)).toBe(7);
    expect(fromMajorUnits("abc")).toBeNull();
    expect(fromMajorUnits("1.234")).toBeNull();
    expect(() => toMajorUnits(1.5)).toThrow(RangeError);
  });

  it("writes numbers the way Paynow's test numbers are written", () => {
    expect(toPaynowPhone("+263771111111")).toBe("0771111111");
  });
});
