/** Debian system fonts for generator B (fonts-liberation, fonts-noto-core, fonts-dejavu-core). */
import { existsSync } from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';

const FONTS = [
  {
    family: 'B Liberation Sans',
    file: '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
    pkg: 'fonts-liberation',
  },
  {
    family: 'B Liberation Narrow',
    file: '/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf',
    pkg: 'fonts-liberation',
  },
  {
    family: 'B Liberation Mono',
    file: '/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf',
    pkg: 'fonts-liberation',
  },
  { family: 'B Noto Sans', file: '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf', pkg: 'fonts-noto-core' },
  {
    family: 'B Noto Display',
    file: '/usr/share/fonts/truetype/noto/NotoSansDisplay-Bold.ttf',
    pkg: 'fonts-noto-core',
  },
  {
    family: 'B DejaVu Condensed',
    file: '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf',
    pkg: 'fonts-dejavu-core',
  },
  {
    family: 'B DejaVu Mono',
    file: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf',
    pkg: 'fonts-dejavu-core',
  },
] as const;

let families: string[] | null = null;

/** Registers the fonts once; a missing one is an error naming the Debian package to install. */
export function plateFonts(): string[] {
  if (families) return families;
  for (const f of FONTS) {
    if (!existsSync(f.file)) throw new Error(`camera-b: font ${f.file} missing: apt-get install ${f.pkg}`);
    GlobalFonts.registerFromPath(f.file, f.family);
  }
  families = FONTS.map((f) => f.family);
  return families;
}
