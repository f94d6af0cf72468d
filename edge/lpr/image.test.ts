import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, downscale, toPgm } from './image.ts';

const limits = { maxBytes: 5_000_000, maxPixels: 4096 * 4096 };
let jpeg: Buffer;
let png: Buffer;
let tiny: Buffer;

beforeAll(async () => {
  const raw = {
    create: { width: 64, height: 48, channels: 3 as const, background: { r: 200, g: 100, b: 50 } },
  };
  jpeg = await sharp(raw).jpeg().toBuffer();
  png = await sharp(raw).png().toBuffer();
  tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
});

/** A small PNG whose header claims w×h pixels (valid CRC): a decompression-bomb header. */
function pngWithSize(src: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(src);
  // Signature (8) + length (4) + 'IHDR' (4), then width, height … and the CRC after 13 bytes.
  out.writeUInt32BE(w, 16);
  out.writeUInt32BE(h, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** Rewrites the dimensions in a JPEG's SOF0 segment. */
function jpegWithSize(src: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(src);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  out.writeUInt16BE(h, sof + 5);
  out.writeUInt16BE(w, sof + 7);
  return out;
}

describe('decodeFrame', () => {
  it('decodes JPEG and PNG to 8-bit grey', async () => {
    for (const input of [jpeg, png]) {
      const d = await decodeFrame(input, limits);
      if (!d.ok) throw new Error(d.error.message);
      expect(d.value.width).toBe(64);
      expect(d.value.height).toBe(48);
      expect(d.value.data.length).toBe(64 * 48);
      // 0.2126·200 + 0.7152·100 + 0.0722·50 ≈ 118 (sRGB luma, give or take JPEG)
      expect(Math.abs(d.value.data[100]! - 118)).toBeLessThan(12);
    }
  });

  it.each([
    ['0 bytes', () => Buffer.alloc(0), 'LPR_EMPTY_INPUT'],
    [
      'random bytes',
      () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
      'LPR_UNSUPPORTED_FORMAT',
    ],
    ['text', () => Buffer.from('GET /snapshot.jpg HTTP/1.1\r\n'), 'LPR_UNSUPPORTED_FORMAT'],
    ['truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'LPR_CORRUPT_IMAGE'],
    ['truncated PNG', () => png.subarray(0, png.length - 30), 'LPR_CORRUPT_IMAGE'],
    [
      'JPEG magic then garbage',
      () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(500, 0x41)]),
      'LPR_CORRUPT_IMAGE',
    ],
    ['PNG header declaring 60000×60000', () => pngWithSize(png, 60000, 60000), 'LPR_IMAGE_TOO_LARGE'],
    ['JPEG header declaring 30000×30000', () => jpegWithSize(jpeg, 30000, 30000), 'LPR_IMAGE_TOO_LARGE'],
    ['tiny image', () => tiny, 'LPR_IMAGE_TOO_SMALL'],
  ])('%s → %s', async (_name, make, code) => {
    const d = await decodeFrame(make(), limits);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.error.code).toBe(code);
      expect(d.error.message.length).toBeGreaterThan(5);
    }
  });

  it('refuses input above the byte limit before parsing it', async () => {
    const d = await decodeFrame(jpeg, { maxBytes: 100, maxPixels: limits.maxPixels });
    expect(d).toMatchObject({ ok: false, error: { code: 'LPR_IMAGE_TOO_LARGE' } });
  });
});

describe('downscale and toPgm', () => {
  it('shrinks by the factor, keeps the aspect and averages detail away', async () => {
    const data = new Uint8Array(200 * 100).map((_, i) => (i % 2 === 0 ? 0 : 200));
    const half = await downscale({ width: 200, height: 100, data }, 2);
    expect([half.width, half.height]).toEqual([100, 50]);
    expect(half.data.length).toBe(100 * 50); // one byte per pixel
    for (const v of half.data.subarray(0, 50)) expect(Math.abs(v - 100)).toBeLessThan(30);
    const same = { width: 10, height: 10, data: new Uint8Array(100) };
    expect(await downscale(same, 1)).toBe(same);
  });

  it('writes a binary PGM header followed by the pixels', () => {
    const pgm = toPgm({ width: 2, height: 1, data: new Uint8Array([7, 9]) });
    expect(pgm.toString('latin1', 0, 11)).toBe('P5\n2 1\n255\n');
    expect([...pgm.subarray(11)]).toEqual([7, 9]);
  });
});
