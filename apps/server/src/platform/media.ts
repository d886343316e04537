import { createHash } from "node:crypto";
import { type DbOrTx, mediaObjects } from "@cs/db";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { AppError } from "./errors.ts";
import { newId } from "./ids.ts";

/** Images are the only media: what a phone camera makes, after the app has shrunk it. */
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** 2 MiB: a phone photo the app scaled to 1600 px fits with room to spare. */
export const MEDIA_MAX_BYTES = 2 * 1024 * 1024;

/** The type the bytes really are, by their signature (never by what the client claims). */
export function sniffImageType(data: Buffer): ImageType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    return "image/jpeg";
  }
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return "image/png";
  }
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString("latin1") === "RIFF" &&
    data.subarray(8, 12).toString("latin1") === "WEBP"
  ) {
    return "image/webp";
  }
  return null;
}

/**
 * Lets the routes of this plugin scope take a raw image body (up to MEDIA_MAX_BYTES) as a Buffer;
 * everywhere else the JSON body limit stays.
 */
export function acceptImageBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    [...IMAGE_TYPES],
    { parseAs: "buffer", bodyLimit: MEDIA_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
}

export interface StoredMedia {
  id: string;
  contentType: ImageType;
  byteSize: number;
  sha256: string;
}

/**
 * Keeps an uploaded image for `purpose` and the object it belongs to. Refuses an empty or
 * oversized body and bytes that are not the image type they claim to be.
 */
export async function storeImage(
  db: DbOrTx,
  input: {
    purpose: string;
    subjectId: string;
    uploadedBy: string;
    declaredType: string | undefined;
    data: unknown;
  },
): Promise<StoredMedia> {
  if (!Buffer.isBuffer(input.data) || input.data.length === 0) {
    throw new AppError("unsupported_media_type", "Send the image itself as a JPEG, PNG or WebP");
  }
  if (input.data.length > MEDIA_MAX_BYTES) {
    throw new AppError("payload_too_large", `Images are at most ${MEDIA_MAX_BYTES} bytes`);
  }
  const actual = sniffImageType(input.data);
  if (!actual || actual !== input.declaredType?.split(";")[0]?.trim().toLowerCase()) {
    throw new AppError("unsupported_media_type", "Not a JPEG, PNG or WebP image");
  }
  const stored: StoredMedia = {
    id: newId(),
    contentType: actual,
    byteSize: input.data.length,
    sha256: createHash("sha256").update(input.data).digest("hex"),
  };
  await db.insert(mediaObjects).values({
    ...stored,
    purpose: input.purpose,
    subjectId: input.subjectId,
    uploadedBy: input.uploadedBy,
    data: input.data,
  });
  return stored;
}

export type MediaRow = typeof mediaObjects.$inferSelect;

/** A stored object with its bytes, or undefined. Who may see it is the caller's policy. */
export async function findMedia(db: DbOrTx, id: string): Promise<MediaRow | undefined> {
  const [row] = await db.select().from(mediaObjects).where(eq(mediaObjects.id, id));
  return row;
}
