import { v7 } from "uuid";

/** A new UUID v7: time-ordered, so inserts stay local in the primary-key index. */
export function newId(): string {
  return v7();
}
