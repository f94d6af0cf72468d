/** Validating a camera JPEG and making the small thumbnail that goes up with an LPR read. */
import sharp from 'sharp';
import { CityEdgeError, err, ok, type Result } from '../../core/errors.ts';

/** Contract `lprRead.thumbnail` is max 64,000 characters (core/contract/payloads.ts). */
export const MAX_THUMBNAIL_CHARS = 64_000;
/** A 12 MP camera is the largest we expect; the header is checked before any pixel is decoded. */
export const MAX_FRAME_PIXELS = 40_000_000;
const QUALITIES = [60, 45, 30, 20] as const;
const MIN_WIDTH = 16;

const isJpeg = (b: Buffer): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Cheap checks before libvips sees the bytes. */
export function checkJpeg(jpeg: unknown, maxBytes: number): Result<Buffer> {
  if (!Buffer.isBuffer(jpeg) || jpeg.length === 0)
    return err(new CityEdgeError('CAMERA_FRAME_EMPTY', 'frame is empty or not a Buffer'));
  if (!isJpeg(jpeg))
    return err(new CityEdgeError('CAMERA_FRAME_NOT_JPEG', 'frame does not start with a JPEG SOI marker'));
  // A frame larger than the whole store budget would be deleted by the next retention pass.
  if (jpeg.length > maxBytes)
    return err(
      new CityEdgeError('CAMERA_FRAME_TOO_LARGE', `${jpeg.length} bytes exceeds maxBytes ${maxBytes}`),
    );
  return ok(jpeg);
}

async function encode(jpeg: Buffer, width: number, quality: number): Promise<Buffer> {
  // failOn 'truncated': a frame cut off mid-transfer is refused (as in edge/lpr/image.ts);
  // rotate() honours EXIF orientation so the thumbnail looks like the operator expects.
  return sharp(jpeg, { failOn: 'truncated', limitInputPixels: MAX_FRAME_PIXELS })
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .jpeg({ quality })
    .toBuffer();
}

/**
 * Base64 JPEG thumbnail `width` wide. Decoding the whole frame here doubles as the validity check,
 * so a corrupt frame is refused before anything is written. If it does not fit the contract limit
 * (wide thumbnails, tall frames), quality drops first, then the width halves.
 */
export async function makeThumbnail(
  jpeg: Buffer,
  width: number,
): Promise<Result<{ thumbnail: string; width: number; height: number }>> {
  try {
    // The size as the plate reader sees the frame (EXIF-rotated, edge/lpr/image.ts): the read's
    // box is in these pixels. EXIF orientations 5–8 turn the frame a quarter.
    const meta = await sharp(jpeg, { limitInputPixels: MAX_FRAME_PIXELS }).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    const [w0, h0] = [meta.width ?? 0, meta.height ?? 0];
    const size = turned ? { width: h0, height: w0 } : { width: w0, height: h0 };
    for (let w = width; w >= MIN_WIDTH; w = Math.floor(w / 2)) {
      for (const quality of QUALITIES) {
        const b64 = (await encode(jpeg, w, quality)).toString('base64');
        if (b64.length <= MAX_THUMBNAIL_CHARS) return ok({ thumbnail: b64, ...size });
      }
    }
  } catch (e) {
    return err(new CityEdgeError('CAMERA_FRAME_CORRUPT', `cannot decode frame: ${message(e)}`));
  }
  return err(
    new CityEdgeError('CAMERA_FRAME_THUMBNAIL_TOO_LARGE', `no thumbnail fits ${MAX_THUMBNAIL_CHARS} chars`),
  );
}
