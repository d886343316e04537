import { describe, expect, it } from "vitest";
import { passwordWeakness } from "./auth.ts";
import { normalizeZimPhone } from "./phone.ts";

describe("normalizeZimPhone", () => {
  it.each([
    ["0771234567", "+263771234567"],
    ["771234567", "+263771234567"],
    ["263771234567", "+263771234567"],
    ["+263771234567", "+263771234567"],
    ["+263 77 123 4567", "+263771234567"],
    ["+263-(0)77-123-4567", "+263771234567"],
    ["00263 78 123 4567", "+263781234567"],
    ["0712345678", "+263712345678"],
    ["0731234567", "+263731234567"],
  ])("normalises %s to %s", (input, expected) => {
    expect(normalizeZimPhone(input)).toBe(expected);
  });

  it.each([
    "",
    "hello",
    "07712345",
    "077123456789",
    "0242123456",
    "0761234567",
    "+27821234567",
    "+263 77 123 456a",
  ])("refuses %j", (input) => {
    expect(normalizeZimPhone(input)).toBeNull();
  });
});

describe("passwordWeakness", () => {
  it("accepts a long enough password with letters and digits", () => {
    expect(passwordWeakness("Mbare2026!")).toBeNull();
  });
  it.each(["short1", "lettersonly", "1234567890", "password1", "aaaaaaaa1"])(
    "refuses %j",
    (password) => {
      expect(passwordWeakness(password)).not.toBeNull();
    },
  );
});
