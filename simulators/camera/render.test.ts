import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../core/ports/plate-template.ts';
import { generateDataset } from './dataset.ts';
import { randomPlate } from './plates.ts';
import { renderVehicleFrame } from './render.ts';
import { createRng } from './rng.ts';

describe('renderVehicleFrame', () => {
  it('is deterministic per seed and differs between seeds', async () => {
    const a = await renderVehicleFrame({ seed: 42, degrade: 'realistic' });
    const b = await renderVehicleFrame({ seed: 42, degrade: 'realistic' });
    const c = await renderVehicleFrame({ seed: 43, degrade: 'realistic' });
    expect(a.image.equals(b.image)).toBe(true);
    expect(a.truth).toEqual(b.truth);
    expect(a.image.equals(c.image)).toBe(false);
  });

  it('renders the requested size and format with the plate box inside the frame', async () => {
    const f = await renderVehicleFrame({
      seed: 7,
      plate: 'ABCD123',
      style: 'mercosur',
      width: 1920,
      height: 1080,
      format: 'png',
    });
    const meta = await sharp(f.image).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1920, 1080]);
    expect(f.truth.plate).toBe('ABCD123');
    const [x, y, w, h] = f.truth.box!;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(y).toBeGreaterThanOrEqual(0);
    expect(x + w).toBeLessThanOrEqual(1920);
    expect(y + h).toBeLessThanOrEqual(1080);
    expect(w).toBeGreaterThanOrEqual(100);
    expect(w).toBeLessThanOrEqual(320);
  });

  it('draws the plate where the truth box says: the box is brighter and busier than the frame', async () => {
    const f = await renderVehicleFrame({ seed: 11, plate: 'ABC123', style: 'white', plateWidth: 220 });
    const [x, y, w, h] = f.truth.box!;
    const inner = await sharp(f.image)
      .extract({
        left: x + Math.round(w * 0.2),
        top: y + Math.round(h * 0.2),
        width: Math.round(w * 0.6),
        height: Math.round(h * 0.6),
      })
      .greyscale()
      .stats();
    const whole = await sharp(f.image).greyscale().stats();
    // Black glyphs on a white plate: high contrast inside the box.
    expect(inner.channels[0]!.stdev).toBeGreaterThan(whole.channels[0]!.stdev * 0.8);
    expect(inner.channels[0]!.max).toBeGreaterThan(180);
    expect(inner.channels[0]!.min).toBeLessThan(80);
  });

  it('honours plate: null (no plate, no box) and explicit degradations', async () => {
    const f = await renderVehicleFrame({ seed: 5, plate: null, degrade: { night: 0.3, noiseSigma: 5 } });
    expect(f.truth).toMatchObject({ plate: null, box: null, style: null });
    expect(f.truth.degrade.night).toBe(0.3);
    const day = await renderVehicleFrame({ seed: 5, plate: null });
    const [n, d] = await Promise.all([sharp(f.image).stats(), sharp(day.image).stats()]);
    expect(n.channels[0]!.mean).toBeLessThan(d.channels[0]!.mean * 0.7);
  });
});

describe('randomPlate and generateDataset', () => {
  it('follows the template', () => {
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) {
      expect(randomPlate(rng, TEMPLATES.mercosur)).toMatch(/^[A-Z]{4}\d{3}$/);
      expect(randomPlate(rng, TEMPLATES.legacy)).toMatch(/^[A-Z]{3}\d{3}$/);
      expect(randomPlate(rng, TEMPLATES.generic)).toMatch(/^[A-Z0-9]{5,8}$/);
    }
  });

  it('mixes plate and no-plate frames reproducibly', async () => {
    const a = await generateDataset(10, 3, { noPlateRatio: 0.3 });
    const b = await generateDataset(10, 3, { noPlateRatio: 0.3 });
    expect(a.map((f) => f.truth.plate)).toEqual(b.map((f) => f.truth.plate));
    const none = a.filter((f) => f.truth.plate === null).length;
    expect(none).toBeGreaterThan(0);
    expect(none).toBeLessThan(10);
    for (const f of a) if (f.truth.style === 'mercosur') expect(f.truth.plate).toMatch(/^[A-Z]{4}\d{3}$/);
  });
});
