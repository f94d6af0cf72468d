/**
 * The soak chart: three stacked panels (RSS, event-loop lag p99, queue depth) with one line per
 * process, drawn as SVG in a page and photographed by Chromium (playwright-core, the browser the
 * e2e tests use) — so no PNG encoder of our own.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Metric, Sample, Verdict } from './growth.ts';

const W = 1200;
const PANEL_H = 230;
const PAD = { left: 70, right: 260, top: 30, bottom: 34 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
const PANELS: { metric: Metric; title: string }[] = [
  { metric: 'rssMiB', title: 'RSS (MiB)' },
  { metric: 'lagP99Ms', title: 'event-loop lag p99 over each 10 s (ms)' },
  { metric: 'queue', title: 'queue depth (agent outbox / broker ingest buffer)' },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A round axis maximum above `max` (1, 2 or 5 × 10^k). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

function panel(
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  metric: Metric,
  title: string,
  y0: number,
  warmupS: number,
) {
  const procs = [...new Set(samples.map((s) => s.process))];
  const tMax = Math.max(60, ...samples.map((s) => s.tS));
  const vals = samples.flatMap((s) => (s[metric] === null ? [] : [s[metric]]));
  const yMax = niceMax(Math.max(0, ...vals) * 1.05);
  const iw = W - PAD.left - PAD.right;
  const ih = PANEL_H - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t / tMax) * iw;
  const y = (v: number) => y0 + PAD.top + ih - (v / yMax) * ih;
  const out: string[] = [`<text x="${PAD.left}" y="${y0 + 18}" class="title">${esc(title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + iw}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${PAD.left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${+v.toFixed(1)}</text>`,
    );
  }
  const stepMin = tMax > 1800 ? 10 : tMax > 600 ? 2 : 1;
  for (let m = 0; m * 60 <= tMax; m += stepMin)
    out.push(
      `<text x="${x(m * 60)}" y="${y0 + PANEL_H - 14}" class="tick" text-anchor="middle">${m} min</text>`,
    );
  procs.forEach((p, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = samples.filter((s) => s.process === p && s[metric] !== null);
    if (pts.length === 0) return;
    const d = pts.map((s, k) => `${k === 0 ? 'M' : 'L'}${x(s.tS).toFixed(1)},${y(s[metric]!).toFixed(1)}`);
    out.push(`<path d="${d.join(' ')}" stroke="${colour}" class="line"/>`);
    const v = verdicts.find((q) => q.process === p && q.metric === metric);
    if (v) {
      // The fitted line over the judged window, dashed, so the slope printed is visible.
      const t0 = Math.min(warmupS, tMax);
      const f = (t: number) => v.fit.intercept + v.fit.slope * t;
      out.push(
        `<line x1="${x(t0)}" y1="${y(f(t0))}" x2="${x(tMax)}" y2="${y(f(tMax))}" stroke="${colour}" class="fit"/>`,
      );
    }
    const label = v
      ? `${p}: ${v.perHour >= 0 ? '+' : ''}${v.perHour.toFixed(1)}/h${v.grows ? ' GROWS' : ''}`
      : p;
    out.push(
      `<rect x="${W - PAD.right + 14}" y="${y0 + PAD.top + i * 20 - 9}" width="12" height="4" fill="${colour}"/>`,
      `<text x="${W - PAD.right + 32}" y="${y0 + PAD.top + i * 20 - 3}" class="legend">${esc(label)}</text>`,
    );
  });
  return out.join('\n');
}

/** The chart page (pure, so it can be checked without a browser). */
export function chartHtml(
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  heading: string,
  warmupS: number,
): string {
  const h = PANELS.length * PANEL_H + 40;
  const body = PANELS.map((p, i) =>
    panel(samples, verdicts, p.metric, p.title, 40 + i * PANEL_H, warmupS),
  ).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#fff;font-family:'DejaVu Sans',sans-serif}
.title{font-size:14px;font-weight:bold;fill:#222}.tick{font-size:11px;fill:#555}.legend{font-size:12px;fill:#222}
.grid{stroke:#e4e4e4}.line{fill:none;stroke-width:1.8}.fit{stroke-width:1;stroke-dasharray:5 4;opacity:.8}
.head{font-size:15px;fill:#111}
</style></head><body><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}">
<text x="${PAD.left}" y="24" class="head">${esc(heading)}</text>
${body}
</svg></body></html>`;
}

const CHROMIUM = '/usr/bin/chromium';

/** Renders the page to a PNG with the system Chromium. */
export async function renderPng(html: string, path: string): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `E_SOAK_NO_CHROMIUM: ${CHROMIUM} missing — apt-get install -y chromium (scripts/install-system-deps.sh)`,
    );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: PANELS.length * PANEL_H + 40 } });
    await page.setContent(html);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
