/**
 * `npm run screenshots`: starts the demo city on its embedded defaults (the same parts as
 * `npm start`), signs in to the control room in Debian Chromium at 1440×900, waits until the
 * overview shows every demo site live, then visits every route main.tsx knows through the links
 * the app itself shows, and writes one PNG per route into docs/screenshots/ with index.json and
 * the README gallery. Routes no link leads to are printed as missed (exit 1), never skipped silently.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { signIn } from '../bench/dashboard-page.ts';
import { CORRIDOR, LOTS } from '../cli/demo-city.ts';
import { type DemoParts, startDemoParts } from '../cli/demo-parts.ts';
import { launchChromium } from '../testing/browser.ts';
import {
  type Link,
  missedRoutes,
  placeholdersIn,
  planLinks,
  replaceGallery,
  renderGallery,
  routeOfHref,
  routesInSource,
  type Shot,
  titleOf,
} from './screenshot-plan.ts';

const REPO = resolve(import.meta.dirname, '..');
export const VIEWPORT = { width: 1440, height: 900 };

interface Options {
  out: string;
  warmupS: number;
  settleS: number;
  user: 'admin' | 'operator' | 'viewer';
  readme: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'docs/screenshots' },
      warmup: { type: 'string', default: '180' },
      settle: { type: 'string', default: '30' },
      user: { type: 'string', default: 'operator' },
      'no-readme': { type: 'boolean', default: false },
    },
  });
  const user = values.user as Options['user'];
  if (!['admin', 'operator', 'viewer'].includes(user))
    throw new Error(`E_SCREENSHOTS_USER: --user must be admin, operator or viewer (got ${user})`);
  return {
    out: resolve(REPO, values.out!),
    warmupS: Number(values.warmup),
    settleS: Number(values.settle),
    user,
    readme: !values['no-readme'],
  };
}

/** Every in-app hash link on the page, header navigation first (document order). */
async function linksOn(page: Page): Promise<Link[]> {
  return page.$$eval('a[href^="#"]', (as) =>
    as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })),
  );
}

async function mainText(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('main') ?? document.body).innerText);
}

/** Waits until the overview names every demo lot and intersection (by id or by name). */
async function waitForCity(page: Page, timeoutMs: number): Promise<void> {
  const wanted = [...LOTS.map((l) => [l.device, l.name]), ...CORRIDOR.map((x) => [x.id, x.name])];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await mainText(page);
    const missing = wanted.filter((names) => !names.some((n) => text.includes(n)));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`E_SCREENSHOTS_CITY: the overview never showed ${missing.map((m) => m[0]).join(', ')}`);
    await page.waitForTimeout(500);
  }
}

/** Waits until the view shows no placeholder (or the settle time runs out); returns what is left. */
async function settle(page: Page, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = placeholdersIn(await mainText(page));
  while (left.length > 0 && Date.now() < deadline) {
    await page.waitForTimeout(500);
    left = placeholdersIn(await mainText(page));
  }
  await page.waitForTimeout(1500); // charts draw on the next frames once their data is in
  return left;
}

async function shoot(page: Page, link: Link, opts: Options): Promise<Shot & { left: string[] }> {
  // A hash change keeps the live connection and what the page has gathered (no reload).
  await page.evaluate((h) => {
    location.hash = h;
  }, link.href);
  const left = await settle(page, opts.settleS * 1000);
  const route = routeOfHref(link.href)!;
  const path = join(opts.out, `${route}.png`);
  await page.screenshot({ path, fullPage: false });
  return { route, href: link.href, title: titleOf(link), file: relative(REPO, path), left };
}

/** Follows one link per route, adding the links each view shows, until no new route appears. */
async function shootAll(page: Page, opts: Options): Promise<Shot[]> {
  let plan = planLinks([], await linksOn(page));
  const shots: Shot[] = [];
  for (let i = 0; i < plan.length; i++) {
    const shot = await shoot(page, plan[i]!, opts);
    const note = shot.left.length > 0 ? ` (still showing: ${shot.left.join('; ')})` : '';
    console.log(`  took ${shot.route.padEnd(14)} ${shot.href} → ${shot.file}${note}`);
    shots.push({ route: shot.route, href: shot.href, title: shot.title, file: shot.file });
    plan = planLinks(plan, await linksOn(page));
  }
  return shots;
}

/** Removes PNGs of an earlier run that this run did not take, so the folder is exactly this run. */
async function pruneStale(dir: string, shots: Shot[]): Promise<string[]> {
  const keep = new Set(shots.map((s) => resolve(REPO, s.file)));
  const stale = (await readdir(dir)).filter((f) => f.endsWith('.png') && !keep.has(join(dir, f)));
  for (const f of stale) await unlink(join(dir, f));
  return stale;
}

async function writeOutputs(opts: Options, shots: Shot[], missed: string[]): Promise<void> {
  const takenAt = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const index = { takenAt, viewport: VIEWPORT, shots, missed };
  await writeFile(join(opts.out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const stale = await pruneStale(opts.out, shots);
  if (stale.length > 0) console.log(`  removed stale ${stale.join(', ')}`);
  if (!opts.readme) return;
  const readmePath = join(REPO, 'README.md');
  await writeFile(
    readmePath,
    replaceGallery(await readFile(readmePath, 'utf8'), renderGallery(shots, takenAt)),
  );
  console.log('  README gallery updated');
}

function passwordOf(parts: DemoParts, user: Options['user'], adminPassword: string): string {
  if (user === 'admin') return adminPassword;
  return user === 'operator' ? parts.operatorPassword : parts.viewerPassword;
}

async function run(opts: Options, parts: DemoParts, adminPassword: string): Promise<number> {
  const known = routesInSource(await readFile(join(REPO, 'dashboard/src/main.tsx'), 'utf8'));
  console.log(`routes in dashboard/src/main.tsx: ${known.join(', ')}`);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const started = Date.now();
    await signIn(
      page,
      `http://127.0.0.1:${parts.httpPort}/`,
      opts.user,
      passwordOf(parts, opts.user, adminPassword),
    );
    await waitForCity(page, 120_000);
    const rest = opts.warmupS * 1000 - (Date.now() - started);
    if (rest > 0)
      console.log(`city is live; warming up ${Math.round(rest / 1000)} s more so history has data…`);
    await page.waitForTimeout(Math.max(0, rest));
    await mkdir(opts.out, { recursive: true });
    const shots = await shootAll(page, opts);
    const missed = missedRoutes(known, shots);
    await writeOutputs(opts, shots, missed);
    console.log(`took ${shots.length}: ${shots.map((s) => s.route).join(', ')}`);
    if (missed.length > 0) console.log(`MISSED (no link in the app leads there): ${missed.join(', ')}`);
    return missed.length > 0 ? 1 : 0;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const opts = options();
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-shots-'));
  const adminPassword = randomBytes(6).toString('hex');
  console.log('starting the demo city…');
  const parts = await startDemoParts({
    dir,
    adminPassword,
    httpPort: 0,
    mqttPort: 0,
    speed: 1,
    influx: true,
    ocr: true,
  });
  const stop = async () => {
    await parts.stop();
    await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    return await run(opts, parts, adminPassword);
  } finally {
    await stop();
  }
}

// Exits explicitly: a demo part that keeps a handle open must not hold the script.
process.exit(
  await main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    return 1;
  }),
);
