/**
 * The browser half of the dashboard bench: what runs inside the page (a MutationObserver that
 * spots probe values as they enter the DOM, a long-task observer) and the Node-side calls that
 * read it back. Nothing here knows the views' markup: a probe value is found in whatever text
 * node or element the render changed, so the views can be rebuilt without touching the bench.
 */
import type { CDPSession, Page } from 'playwright-core';

/** Probe values are 6-digit integers in this range; nothing else the city sends reaches it. */
export const PROBE_MIN = 100_000;
export const PROBE_MAX = 899_999;

export interface PageReport {
  longTasks: Array<{ startMs: number; durationMs: number }>;
}

/**
 * Installed before the app's own scripts (addInitScript). `__probeSeen` is a Playwright binding:
 * the page passes its own clock (timeOrigin + now, an epoch in ms) and the bench compares it with
 * the publish time taken on the same machine clock; the binding's arrival time is kept as an
 * upper bound that needs no clock agreement at all.
 */
function pageInstrumentation(range: [number, number]): void {
  const w = window as unknown as {
    __probeSeen: (tokens: number[], atMs: number) => void;
    __longTasks: Array<{ startMs: number; durationMs: number }>;
  };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      w.__longTasks.push({ startMs: performance.timeOrigin + e.startTime, durationMs: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const seen = new Set<number>();
  // Thousands separators a view might add ("123,456", "123 456") are dropped before matching.
  const digits = /(\d)[,.\u00a0\u202f' ](?=\d{3}(?!\d))/g;
  const token = /(?<![\d.])(\d{6})(?![\d.])/g;
  const scan = (text: string | null, found: number[]) => {
    if (!text || text.length < 6) return;
    for (const m of text.replace(digits, '$1').matchAll(token)) {
      const n = Number(m[1]);
      if (n >= range[0] && n <= range[1] && !seen.has(n)) {
        seen.add(n);
        found.push(n);
      }
    }
  };
  const observer = new MutationObserver((records) => {
    const atMs = performance.timeOrigin + performance.now();
    const found: number[] = [];
    for (const r of records) {
      if (r.type === 'characterData') scan(r.target.nodeValue, found);
      else for (const n of r.addedNodes) scan(n.textContent, found);
    }
    if (found.length > 0) w.__probeSeen(found, atMs);
  });
  const start = () =>
    observer.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
}

export async function instrument(
  page: Page,
  onSeen: (tokens: number[], pageMs: number, nodeMs: number) => void,
): Promise<void> {
  await page.exposeBinding('__probeSeen', (_src, tokens: number[], atMs: number) =>
    onSeen(tokens, atMs, performance.timeOrigin + performance.now()),
  );
  // As source text: tsx's esbuild wraps named functions in a `__name` helper the page lacks.
  const range = JSON.stringify([PROBE_MIN, PROBE_MAX]);
  await page.addInitScript({
    content: `var __name = (f) => f;\n(${pageInstrumentation.toString()})(${range});`,
  });
}

/** Signs in through the login form and waits for the live indicator (data-testid="live"). */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(base);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page
    .getByTestId('live')
    .filter({ hasText: /^\s*live\s*$/ })
    .waitFor({ timeout: 30_000 });
}

export async function longTasks(page: Page): Promise<PageReport['longTasks']> {
  return page.evaluate(() => (window as unknown as { __longTasks: PageReport['longTasks'] }).__longTasks);
}

/** JS heap in use (MiB), optionally after a full GC so a leak is not hidden by garbage. */
export async function heapMiB(cdp: CDPSession, gc = false): Promise<number> {
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize / 2 ** 20;
}
