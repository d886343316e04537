/**
 * Splits one CSV line into fields (RFC 4180 quoting: "a, b" and "" for a quote). Returns null for
 * an unterminated quote, so that a broken row is skipped rather than read wrongly.
 */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          return null;
        }
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i >= n) {
        return fields;
      }
      if (line[i] !== ",") {
        return null;
      }
      i++;
    } else {
      const c = line.indexOf(",", i);
      if (c < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** Lines of a text file without the line endings, empty lines dropped. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}
