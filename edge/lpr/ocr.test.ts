/** Offline start-up of the tesseract.js worker: missing data must be an error value, never a dead process. */
import { describe, expect, it } from 'vitest';
import { OcrStartError, startOcr } from './ocr.ts';
import { createPlateReader } from './reader.ts';

describe('startOcr', () => {
  it('fails with OcrStartError (LPR_OCR_FAILED) when the language data is missing', async () => {
    const err = await startOcr({ langPath: '/nonexistent/tessdata', startTimeoutMs: 1500 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OcrStartError);
    expect((err as OcrStartError).code).toBe('LPR_OCR_FAILED');
  }, 15_000);

  it('a reader whose workers cannot start answers reads with LPR_OCR_FAILED', async () => {
    const reader = createPlateReader(
      { workers: 1, timeoutMs: 10_000, engine: 'tesseract' },
      { startEngine: () => startOcr({ langPath: '/nonexistent/tessdata', startTimeoutMs: 1500 }) },
    );
    try {
      expect((await reader.ready())?.code).toBe('LPR_OCR_FAILED');
      const r = await reader.read(Buffer.from([0xff, 0xd8, 0xff]));
      expect(r.error?.code).toBe('LPR_OCR_FAILED');
      expect(reader.stats().errors.LPR_OCR_FAILED).toBe(1);
    } finally {
      await reader.close();
    }
  }, 20_000);
});
