/** Renders one deterministic camera frame of a vehicle, with or without a plate. */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Box } from '../../core/ports/camera.ts';
import { type PlateTemplate, TEMPLATES } from '../../core/ports/plate-template.ts';
import {
  applyNight,
  castShadow,
  type DegradePreset,
  type DegradeSpec,
  finishPixels,
  resolveDegrade,
} from './degrade.ts';
import { ensureFonts, PLATE_FONTS } from './fonts.ts';
import { drawPlate, plateAspect } from './plate-draw.ts';
import { displayText, type PlateStyle, randomPlate } from './plates.ts';
import { createRng, type Rng } from './rng.ts';
import { drawBackground, drawClutter, drawVehicle } from './scene.ts';

export interface RenderOptions {
  /** Normalised plate to print; undefined = random from `template`; null = a vehicle with no plate. */
  plate?: string | null;
  template?: PlateTemplate;
  style?: PlateStyle;
  width?: number;
  height?: number;
  seed: number;
  degrade?: DegradePreset | Partial<DegradeSpec>;
  format?: 'jpeg' | 'png';
  /** Plate width in pixels; default random in 110–300 (bounded by the frame). */
  plateWidth?: number;
}

export interface RenderedFrame {
  image: Buffer;
  truth: { plate: string | null; box: Box | null; style: PlateStyle | null; degrade: DegradeSpec };
}

export async function renderVehicleFrame(o: RenderOptions): Promise<RenderedFrame> {
  ensureFonts();
  const w = o.width ?? 640;
  const h = o.height ?? 480;
  const rng = createRng(o.seed);
  const spec = resolveDegrade(o.degrade, rng);
  const style: PlateStyle = o.style ?? rng.pick(['white', 'yellow', 'mercosur'] as const);
  const template = o.template ?? (style === 'mercosur' ? TEMPLATES.mercosur : TEMPLATES.legacy);
  const plate = o.plate === undefined ? randomPlate(rng, template) : o.plate;

  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  drawBackground(ctx, rng, w, h);
  drawClutter(ctx, rng, w, h, rng.int(plate ? 0 : 1, plate ? 2 : 4));

  const pw = o.plateWidth ?? rng.int(110, Math.min(300, Math.round(w * 0.45)));
  const ph = pw / plateAspect(style, rng);
  const cx = rng.float(pw * 0.8, w - pw * 0.8);
  const cy = rng.float(h * 0.45, h - ph * 1.6);
  drawVehicle(ctx, rng, { cx, cy, plateW: pw });

  let box: Box | null = null;
  if (plate) {
    const text = displayText(plate, o.template);
    drawPlateAt(ctx, rng, spec, { cx, cy, pw, ph }, () =>
      drawPlate(ctx, rng, {
        text,
        style,
        w: pw,
        h: ph,
        font: rng.pick(PLATE_FONTS),
        country: rng.pick(['BR', 'AR', 'UY', 'PY']),
      }),
    );
    box = transformedBox(spec, cx, cy, pw, ph, w, h);
  } else if (rng.chance(0.6)) {
    // A plate-shaped sticker with a word where the plate would be: tempts false positives.
    drawPlateAt(ctx, rng, spec, { cx, cy, pw, ph }, () => {
      ctx.fillStyle = '#f4f4ee';
      ctx.fillRect(-pw / 2, -ph / 2, pw, ph);
      ctx.fillStyle = '#141414';
      ctx.font = `${ph * 0.55}px ${rng.pick(PLATE_FONTS)}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(rng.pick(['TAXI', 'SCHOOL', 'DEALER', 'RENTAL', 'POLICE', 'AMBULANCE']), 0, 0, pw * 0.9);
    });
  }
  if (spec.shadow > 0) castShadow(ctx, rng, spec.shadow, cx, cy, pw);
  if (spec.night > 0) applyNight(ctx, spec.night, cx, cy, pw, w, h);
  const rgba = new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
  const image = await finishPixels(rgba, w, h, spec, rng, o.format ?? 'jpeg');
  return { image, truth: { plate: plate ?? null, box, style: plate ? style : null, degrade: spec } };
}

function drawPlateAt(
  ctx: SKRSContext2D,
  _rng: Rng,
  spec: DegradeSpec,
  at: { cx: number; cy: number; pw: number; ph: number },
  draw: () => void,
): void {
  ctx.save();
  ctx.translate(at.cx, at.cy);
  ctx.rotate((spec.rotationDeg * Math.PI) / 180);
  ctx.transform(1, 0, spec.shear, 1, 0, 0);
  draw();
  ctx.restore();
}

/** Axis-aligned bounds of the sheared, rotated plate, clipped to the frame. */
function transformedBox(
  spec: DegradeSpec,
  cx: number,
  cy: number,
  pw: number,
  ph: number,
  w: number,
  h: number,
): Box {
  const a = (spec.rotationDeg * Math.PI) / 180;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x0, y] of [
    [-pw / 2, -ph / 2],
    [pw / 2, -ph / 2],
    [pw / 2, ph / 2],
    [-pw / 2, ph / 2],
  ] as const) {
    const x = x0 + spec.shear * y;
    xs.push(cx + x * Math.cos(a) - y * Math.sin(a));
    ys.push(cy + x * Math.sin(a) + y * Math.cos(a));
  }
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const x1 = Math.min(w, Math.ceil(Math.max(...xs)));
  const y1 = Math.min(h, Math.ceil(Math.max(...ys)));
  return [x0, y0, x1 - x0, y1 - y0];
}
