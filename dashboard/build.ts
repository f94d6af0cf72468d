/**
 * Bundles the control-room app with esbuild into `dashboard/dist` (what the broker serves).
 * esbuild rather than a full Vite toolchain: one TSX entry, no dev server needed on the edge.
 */
import { cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_DIST = join(here, 'dist');

export async function buildDashboard(
  outdir = DASHBOARD_DIST,
  opts: { minify?: boolean } = {},
): Promise<string> {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    sourcemap: true,
    logLevel: 'warning',
  });
  // Chart CSS (uPlot's stylesheet and ours) as a file of its own: the CSP forbids inline styles.
  await build({
    entryPoints: [join(here, 'src', 'charts', 'charts.css')],
    outfile: join(outdir, 'charts.css'),
    bundle: true,
    minify: opts.minify ?? true,
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(here, 'src', 'views', 'views.css')],
    outfile: join(outdir, 'views.css'),
    bundle: true,
    minify: opts.minify ?? true,
    logLevel: 'warning',
  });
  await cp(join(here, 'static'), outdir, { recursive: true });
  return outdir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildDashboard();
  console.log(`dashboard built into ${out}`);
}
