/** Fixed-seed datasets of frames with ground truth, for tests and benchmarks. */
import { type PlateTemplate, TEMPLATES } from '../../core/ports/plate-template.ts';
import type { DegradePreset, DegradeSpec } from './degrade.ts';
import { PLATE_STYLES, type PlateStyle } from './plates.ts';
import { type RenderedFrame, renderVehicleFrame } from './render.ts';
import { createRng } from './rng.ts';

export interface DatasetOptions {
  width?: number;
  height?: number;
  /** Fraction of frames with no plate (default 0.2). */
  noPlateRatio?: number;
  templates?: PlateTemplate[];
  styles?: readonly PlateStyle[];
  degrade?: DegradePreset | Partial<DegradeSpec>;
  format?: 'jpeg' | 'png';
}

export interface DatasetFrame extends RenderedFrame {
  index: number;
  seed: number;
}

/** Frames one at a time, so a benchmark of hundreds of 1080p frames stays small in memory. */
export async function* datasetFrames(
  n: number,
  seed: number,
  o: DatasetOptions = {},
): AsyncGenerator<DatasetFrame> {
  const rng = createRng(seed);
  // This generator's own formats (the reader's defaults also end with `generic`).
  const templates = o.templates ?? [TEMPLATES.mercosur, TEMPLATES.legacy];
  for (let index = 0; index < n; index++) {
    const frameSeed = rng.int(1, 2 ** 31 - 1);
    const noPlate = rng.chance(o.noPlateRatio ?? 0.2);
    const template = rng.pick(templates);
    // Mercosur-format numbers get the Mercosur plate; others any classic style.
    const classic = (o.styles ?? PLATE_STYLES).filter((s) => s !== 'mercosur');
    const style: PlateStyle =
      template.name === 'mercosur' || classic.length === 0 ? 'mercosur' : rng.pick(classic);
    const frame = await renderVehicleFrame({
      seed: frameSeed,
      template,
      style,
      ...(noPlate ? { plate: null } : {}),
      width: o.width ?? 640,
      height: o.height ?? 480,
      degrade: o.degrade ?? 'realistic',
      format: o.format ?? 'jpeg',
    });
    yield { ...frame, index, seed: frameSeed };
  }
}

export async function generateDataset(
  n: number,
  seed: number,
  o: DatasetOptions = {},
): Promise<DatasetFrame[]> {
  const out: DatasetFrame[] = [];
  for await (const f of datasetFrames(n, seed, o)) out.push(f);
  return out;
}
