/** Registers the Debian DejaVu fonts once; the renderer must not depend on system font lookup. */
import { GlobalFonts } from '@napi-rs/canvas';

const DIR = '/usr/share/fonts/truetype/dejavu';
let done = false;

/** Families usable in `ctx.font`, plate-like (bold, condensed or mono) first. */
export const PLATE_FONTS = ['CamPlateMono', 'CamPlateCond', 'CamPlateSans'] as const;
export const CLUTTER_FONTS = ['CamPlateSans', 'CamSerif', 'CamPlateCond'] as const;

export function ensureFonts(): void {
  if (done) return;
  done = true;
  GlobalFonts.registerFromPath(`${DIR}/DejaVuSansMono-Bold.ttf`, 'CamPlateMono');
  GlobalFonts.registerFromPath(`${DIR}/DejaVuSansCondensed-Bold.ttf`, 'CamPlateCond');
  GlobalFonts.registerFromPath(`${DIR}/DejaVuSans-Bold.ttf`, 'CamPlateSans');
  GlobalFonts.registerFromPath(`${DIR}/DejaVuSerif.ttf`, 'CamSerif');
}
