// Writes the PWA icons (PNG) into public/icons without any image library: the shapes are
// computed per pixel (4x4 supersampled) and encoded with zlib. Run: node scripts/generate-icons.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const GREEN = [22, 101, 52];
const AMBER = [245, 158, 11];
const CREAM = [255, 251, 235];

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Colour of one point (u, v in 0..1) of the icon, or null when transparent. */
function paint(u, v, maskable) {
  const r = 0.18; // corner radius of the tile
  if (!maskable) {
    const cx = Math.min(Math.max(u, r), 1 - r);
    const cy = Math.min(Math.max(v, r), 1 - r);
    if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) {
      return null;
    }
  }
  // Maskable icons keep their content inside the 80% safe zone.
  const scale = maskable ? 0.78 : 1;
  const x = (u - 0.5) / scale;
  const y = (v - 0.5) / scale;
  const d = Math.hypot(x, y);
  // Three traders (cream dots) around a shared amber sphere.
  const dots = [0, 1, 2].map((i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / 3;
    return [Math.cos(a) * 0.2, Math.sin(a) * 0.2];
  });
  for (const [dx, dy] of dots) {
    if (Math.hypot(x - dx, y - dy) < 0.075) {
      return GREEN;
    }
  }
  if (d < 0.3) {
    return AMBER;
  }
  if (d < 0.36) {
    return CREAM;
  }
  return GREEN;
}

function render(size, maskable) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let rs = 0;
      let gs = 0;
      let bs = 0;
      let as = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable);
          if (c) {
            rs += c[0];
            gs += c[1];
            bs += c[2];
            as += 1;
          }
        }
      }
      const o = (py * size + px) * 4;
      rgba[o] = as ? Math.round(rs / as) : 0;
      rgba[o + 1] = as ? Math.round(gs / as) : 0;
      rgba[o + 2] = as ? Math.round(bs / as) : 0;
      rgba[o + 3] = Math.round((as / (n * n)) * 255);
    }
  }
  return encodePng(size, rgba);
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "icon-192.png"), render(192, false));
writeFileSync(join(outDir, "icon-512.png"), render(512, false));
writeFileSync(join(outDir, "maskable-512.png"), render(512, true));
console.log(`icons written to ${outDir}`);
