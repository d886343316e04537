/** Longest side of a photo the app uploads: plenty for a quality check, light on a 2G link. */
export const PHOTO_MAX_SIDE = 1600;

/**
 * A camera photo scaled down to at most PHOTO_MAX_SIDE and re-encoded as JPEG, so a 4 MB phone
 * picture leaves as a few hundred KB. Where the browser cannot decode it, the file goes as it is
 * (the server checks what it really is).
 */
export async function shrinkPhoto(file: Blob, quality = 0.8): Promise<Blob> {
  if (typeof createImageBitmap !== "function") {
    return file;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file;
  }
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const jpeg = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, "image/jpeg", quality),
  );
  return jpeg && jpeg.size < file.size ? jpeg : file;
}
