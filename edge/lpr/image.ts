/** Grey images as plain arrays, and decoding camera frames into them with input checks. */
import sharp, { type Metadata } from 'sharp';
import type { Result } from '../../core/ports/result.ts';
import type { LprError } from './types.ts';

export interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeLimits {
  maxBytes: number;
  maxPixels: number;
}

export type Decoded = Result<Gray, LprError>;

const isJpeg = (b: Buffer): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer): boolean =>
  b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

/** Decodes a JPEG/PNG to 8-bit grey. Checks bytes, magic and declared size before decoding pixels. */
export async function decodeFrame(input: Buffer, limits: DecodeLimits): Promise<Decoded> {
  const fail = (code: LprError['code'], message: string): Decoded => ({
    ok: false,
    error: { code, message },
  });
  if (!Buffer.isBuffer(input) || input.length === 0) return fail('LPR_EMPTY_INPUT', 'empty input (0 bytes)');
  if (input.length > limits.maxBytes)
    return fail('LPR_IMAGE_TOO_LARGE', `${input.length} bytes exceeds ${limits.maxBytes}`);
  if (!isJpeg(input) && !isPng(input)) return fail('LPR_UNSUPPORTED_FORMAT', 'not a JPEG or PNG image');
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    return fail('LPR_CORRUPT_IMAGE', `cannot read image header: ${message(err)}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  // Checked on the header alone: a 20 kB PNG can declare 60000×60000 pixels (a decompression bomb).
  if (w * h > limits.maxPixels)
    return fail('LPR_IMAGE_TOO_LARGE', `${w}×${h} exceeds ${limits.maxPixels} pixels`);
  if (w < 32 || h < 32) return fail('LPR_IMAGE_TOO_SMALL', `${w}×${h} is too small for a camera frame`);
  try {
    const { data, info } = await sharp(input, { failOn: 'truncated', limitInputPixels: limits.maxPixels })
      .rotate() // honour EXIF orientation from phone-like cameras
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1)
      return fail('LPR_CORRUPT_IMAGE', `unexpected ${info.channels} channels after greyscale`);
    return {
      ok: true,
      value: {
        width: info.width,
        height: info.height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      },
    };
  } catch (err) {
    return fail('LPR_CORRUPT_IMAGE', `cannot decode image: ${message(err)}`);
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Shrinks by `factor` (area average, in libvips) for localisation on big frames. */
export async function downscale(src: Gray, factor: number): Promise<Gray> {
  if (factor <= 1) return src;
  const width = Math.max(1, Math.floor(src.width / factor));
  const { data, info } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: 1 } })
    .resize({ width, kernel: 'linear' })
    .toColourspace('b-w') // else libvips hands back sRGB, three bytes per pixel
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** Binary PGM (P5): tesseract's leptonica reads it directly, with no PNG encode per crop. */
export function toPgm(img: Gray): Buffer {
  return Buffer.concat([
    Buffer.from(`P5\n${img.width} ${img.height}\n255\n`),
    Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length),
  ]);
}
