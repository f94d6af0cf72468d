/**
 * The intersection and car-park views in real Chromium against a real broker: simulated devices
 * publish over MQTT; the page must show heads changing, a detector call, a camera frame with its
 * plate box, and find a plate in the in/out log.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardRig,
  newPage,
  openBrowser,
  type SimDevice,
  signIn,
  startDashboardRig,
} from './testing/e2e.ts';

let rig: DashboardRig;
let browser: Browser;
let page: Page;
let signals: SimDevice;
const SHOTS = process.env.CITYEDGE_SHOTS ?? tmpdir();

beforeAll(async () => {
  rig = await startDashboardRig();
  await rig.addUser('olga', 'operator-pass', 'operator');
  signals = await rig.device('corridor', 'sig-1', 'signals');
  browser = await openBrowser();
  page = await newPage(browser);
  await signIn(page, rig.base, 'olga', 'operator-pass');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

const GROUPS = {
  'EB-left': 'red',
  'EB-through': 'green',
  'WB-left': 'red',
  'WB-through': 'green',
  'NB-left': 'red',
  'NB-through': 'red',
  'NB-through-ped': 'dontWalk',
  'SB-left': 'red',
  'SB-through': 'red',
} as const;

const ring = (ring: number, phase: number, interval: string, ttc: number | null) => ({
  ring,
  phase,
  interval,
  minEndMs: ttc === null ? null : 100_000,
  maxEndMs: ttc === null ? null : 145_000,
  timeToChangeMs: ttc,
});

describe('intersection view in chromium', () => {
  it('shows heads per approach changing live and a detector call lit', async () => {
    const x = { intersection: 'main-5th' };
    await signals.send('status', {}, { state: 'online' });
    await signals.send('signalHeads', x, { mode: 'normal', groups: { ...GROUPS } });
    await signals.send('spat', x, {
      mode: 'normal',
      rings: [ring(1, 2, 'green', 6000), ring(2, 6, 'green', 6000)],
    });
    await page.goto(`${rig.base}/#/intersection/corridor/sig-1/main-5th`);
    const eb = page.locator('[data-group="EB-through"]');
    await expect(eb.getAttribute('data-state')).resolves.toBe('green');
    // The left head is drawn in its approach, labelled, and distinct from the through.
    const west = page.getByTestId('approach-eastbound');
    await expect(west.locator('figcaption').allTextContents()).resolves.toEqual(['left', 'thru']);

    // Φ2 gaps out: EB through goes yellow, and a call on the side road lights detector 4.
    await signals.send('signalHeads', x, { mode: 'normal', groups: { ...GROUPS, 'EB-through': 'yellow' } });
    await signals.send('hiRes', x, {
      events: [
        { ts: Date.now(), code: 82, param: 4 },
        { ts: Date.now(), code: 43, param: 4 },
        { ts: Date.now(), code: 4, param: 2 },
        { ts: Date.now(), code: 8, param: 2 },
      ],
    });
    await page.locator('[data-group="EB-through"][data-state="yellow"]').waitFor({ timeout: 5000 });
    await page.locator('[data-channel="4"][data-on="true"]').waitFor({ timeout: 5000 });
    await expect(page.locator('[data-phase="4"] .call').count()).resolves.toBe(1);
    // The hi-res log decodes the Indiana codes.
    await expect(page.getByTestId('hires').textContent()).resolves.toContain('Phase gap out');
    await expect(page.getByTestId('hires').textContent()).resolves.toContain('detector channel 4');
  });

  it('shows the preemption banner with the EV and its ETA, and counts by movement and class', async () => {
    const x = { intersection: 'main-5th' };
    const res = await fetch(`${rig.base}/api/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.adminToken}` },
      body: JSON.stringify({
        site: 'corridor',
        device: 'sig-1',
        command: 'priority.request',
        args: {
          intersection: 'main-5th',
          vehicleId: 'amb-7',
          routeId: 'main-eb',
          etaTs: Date.now() + 40_000,
        },
      }),
    });
    expect(res.status).toBe(200);
    await signals.send('signalHeads', x, {
      mode: 'preemption',
      groups: { ...GROUPS, 'EB-left': 'greenArrow' },
    });
    await signals.send('counts', x, {
      periodStart: Date.now() - 900_000,
      periodS: 900,
      counts: [
        { detector: 'eb-count', direction: 'EB', movement: 'through', vehicleClass: 'car', count: 41 },
        { detector: 'eb-count', direction: 'EB', movement: 'through', vehicleClass: 'heavy', count: 4 },
      ],
    });
    const banner = page.getByTestId('preempt-banner');
    await banner.filter({ hasText: 'PREEMPTION' }).waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toMatch(/amb-7 on main-eb · ETA (3\d|40) s/);
    await expect(page.getByTestId('counts').textContent()).resolves.toMatch(/EB through.*41.*0.*4.*45/);
    await page.screenshot({ path: join(SHOTS, 'cityedge-intersection.png'), fullPage: true });
  });
});
