import type { HybridModel } from "./hybrid.ts";

// A model on disk: "CSRM" + u32 version + u32 length of a JSON skeleton + the skeleton + the
// typed arrays' bytes, each 8-byte aligned. The skeleton holds everything that is not a typed
// array; arrays and maps are referenced by position. No raw interactions are in a model.

const MAGIC = 0x4d525343; // "CSRM" little-endian
const VERSION = 1;

type ArrayKind = "f64" | "f32" | "i32" | "i16" | "u8";
const CONSTRUCTORS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  i16: Int16Array,
  u8: Uint8Array,
} as const;

function kindOf(value: unknown): ArrayKind | null {
  if (value instanceof Float64Array) {
    return "f64";
  }
  if (value instanceof Float32Array) {
    return "f32";
  }
  if (value instanceof Int32Array) {
    return "i32";
  }
  if (value instanceof Int16Array) {
    return "i16";
  }
  if (value instanceof Uint8Array) {
    return "u8";
  }
  return null;
}

/** The model as bytes (compact: typed arrays stored as they are in memory). */
export function serializeModel(model: HybridModel): Uint8Array {
  const arrays: ArrayBufferView[] = [];
  const skeleton = JSON.stringify(
    { ...model, itemIndex: undefined, userIndex: undefined },
    (_key, value: unknown) => {
      const kind = kindOf(value);
      if (kind) {
        arrays.push(value as ArrayBufferView);
        return { $array: arrays.length - 1, kind, length: (value as ArrayLike<number>).length };
      }
      if (value instanceof Map) {
        return { $map: [...value.entries()] };
      }
      if (typeof value === "number" && !Number.isFinite(value)) {
        return { $number: String(value) };
      }
      return value;
    },
  );
  const json = new TextEncoder().encode(skeleton);
  let size = 12 + json.length;
  const offsets: number[] = [];
  for (const a of arrays) {
    size = Math.ceil(size / 8) * 8;
    offsets.push(size);
    size += a.byteLength;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  arrays.forEach((a, i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[i] as number);
  });
  return out;
}

/** Reads a model written by serializeModel; throws a one-line error for anything else. */
export function deserializeModel(bytes: Uint8Array): HybridModel {
  if (bytes.byteLength < 12) {
    throw new Error("not a recommender model (too short)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) {
    throw new Error("not a recommender model (bad magic)");
  }
  const version = view.getUint32(4, true);
  if (version !== VERSION) {
    throw new Error(`recommender model version ${version} is not supported (expected ${VERSION})`);
  }
  const length = view.getUint32(8, true);
  const skeleton = new TextDecoder().decode(bytes.subarray(12, 12 + length));
  // Offsets are recomputed in the order the arrays were written (the order JSON.parse revives
  // them is not that order, so collect references first).
  const refs: {
    kind: ArrayKind;
    index: number;
    length: number;
    holder: Record<string, unknown>;
    key: string;
  }[] = [];
  const parsed = JSON.parse(skeleton, function (this: Record<string, unknown>, key, value) {
    if (value && typeof value === "object" && "$array" in value) {
      refs.push({ kind: value.kind, index: value.$array, length: value.length, holder: this, key });
      return value;
    }
    if (value && typeof value === "object" && "$map" in value) {
      return new Map(value.$map);
    }
    if (value && typeof value === "object" && "$number" in value) {
      return Number(value.$number);
    }
    return value;
  }) as HybridModel;
  refs.sort((a, b) => a.index - b.index);
  let at = 12 + length;
  // Copy into fresh, aligned buffers so that the model does not pin the file's bytes.
  const revived = new Map<number, ArrayBufferView>();
  for (const ref of refs) {
    at = Math.ceil(at / 8) * 8;
    const Ctor = CONSTRUCTORS[ref.kind];
    const byteLength = ref.length * Ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.byteLength) {
      throw new Error("recommender model is truncated");
    }
    const copy = bytes.slice(at, at + byteLength);
    revived.set(ref.index, new Ctor(copy.buffer, 0, byteLength / Ctor.BYTES_PER_ELEMENT));
    at += byteLength;
  }
  for (const ref of refs) {
    ref.holder[ref.key] = revived.get(ref.index);
  }
  parsed.itemIndex = new Map(parsed.itemIds.map((id, i) => [id, i]));
  parsed.userIndex = new Map(parsed.userIds.map((id, i) => [id, i]));
  return parsed;
}
