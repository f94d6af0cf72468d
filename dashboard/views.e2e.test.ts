/**
 * The intersection and car-park views in real Chromium against a real broker: simulated devices
 * publish over MQTT; the page must show heads changing, a detector call, a camera frame with its
 * plate box, and find a plate in the in/out log.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startInfluxd, waitFor } from '../testing/servers.ts';
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
let parking: SimDevice;
let influxd: RunningServer;
const SHOTS = process.env.CITYEDGE_SHOTS ?? tmpdir();

beforeAll(async () => {
  // Real InfluxDB: the in/out search and the ATSPM charts read history through the broker's API.
  influxd = await startInfluxd();
  rig = await startDashboardRig({ influx: { url: `http://127.0.0.1:${influxd.port}`, flushMs: 100 } });
  await rig.addUser('olga', 'operator-pass', 'operator');
  signals = await rig.device('corridor', 'sig-1', 'signals');
  parking = await rig.device('campus', 'gw-1', 'parking');
  browser = await openBrowser();
  page = await newPage(browser);
  await signIn(page, rig.base, 'olga', 'operator-pass');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await influxd?.stop();
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
    // Three cycles in InfluxDB for the ATSPM charts.
    for (let c = 0; c < 3; c++) {
      const startTs = Date.now() - (5 - c) * 60_000;
      const phase = (p: number, termination: 'gapOut' | 'maxOut', greenS: number) => ({
        phase: p,
        greenS,
        termination,
        arrivalsOnGreen: 8,
        arrivalsOnRed: 2,
        splitFailure: false,
        utilisation: 0.7,
        redLightViolations: 0,
      });
      await signals.send(
        'cycle',
        x,
        {
          cycle: c,
          startTs,
          lengthS: 90,
          phases: [phase(2, 'gapOut', 30 + c), phase(4, 'maxOut', 25)],
          preemptions: [],
        },
        startTs + 90_000,
      );
    }
    await waitFor(() => historyCount('signals', 'corridor').then((n) => n >= 2), 10_000, 'cycles stored');
    await page.goto(`${rig.base}/#/intersection/corridor/sig-1/main-5th`);
    const eb = page.locator('[data-group="EB-through"]');
    await expect(eb.getAttribute('data-state')).resolves.toBe('green');
    // Time in phase counts up on its own between messages.
    const elapsed = page.locator('[data-phase="2"] .phase-time');
    const first = await elapsed.textContent();
    await page.waitForTimeout(600);
    expect(await elapsed.textContent()).not.toBe(first);
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
    // The ATSPM charts drew the stored cycles: Φ2 and Φ4 in the split monitor's legend.
    const split = page.getByTestId('chart-split');
    await split.locator('.u-legend', { hasText: 'Φ4' }).waitFor({ timeout: 5000 });
    expect(await split.textContent()).not.toContain('no data in this window');
    expect(await page.getByTestId('chart-termination').textContent()).not.toContain('no data in this window');
    await page.screenshot({ path: join(SHOTS, 'cityedge-intersection.png'), fullPage: true });
  });
});

/** A 640×480 camera frame with a light plate-shaped patch, as the edge's 160 px thumbnail. */
async function thumbnail(): Promise<string> {
  const plate = await sharp({ create: { width: 240, height: 60, channels: 3, background: '#f2f2f2' } })
    .png()
    .toBuffer();
  const frame = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3b4450' } })
    .composite([{ input: plate, left: 200, top: 300 }])
    .jpeg()
    .toBuffer();
  return (await sharp(frame).resize({ width: 160 }).jpeg({ quality: 60 }).toBuffer()).toString('base64');
}

/** How many series the history API returns for a site (cycle measures per phase). */
async function historyCount(what: 'signals', site: string): Promise<number> {
  const res = await fetch(`${rig.base}/api/history/${what}?site=${site}&from=${Date.now() - 3600_000}`, {
    headers: { authorization: `Bearer ${rig.adminToken}` },
  });
  const body = (await res.json()) as { series?: unknown[] };
  return body.series?.length ?? 0;
}

async function historyHas(plate: string) {
  const res = await fetch(
    `${rig.base}/api/history/events?site=campus&plate=${plate}&from=${Date.now() - 3 * 3600_000}`,
    {
      headers: { authorization: `Bearer ${rig.adminToken}` },
    },
  );
  const body = (await res.json()) as { events?: unknown[] };
  return (body.events?.length ?? 0) > 0;
}

describe('car-park view in chromium', () => {
  it('shows the retained camera frame with its plate box to a page opened after the read', async () => {
    const now = Date.now();
    await parking.send('status', {}, { state: 'online' });
    await parking.send(
      'parkingLot',
      {},
      {
        totalSpotNumber: 2,
        availableSpotNumber: 1,
        occupiedSpotNumber: 1,
        unknownSpotNumber: 0,
        full: false,
        drift: 0,
        disabled: { total: 1, available: 0 },
      },
    );
    await parking.send(
      'parkingBay',
      { bay: 'd01' },
      { bay: 'd01', kind: 'disabled', status: 'occupied', since: now - 60_000 },
    );
    await parking.send(
      'parkingBay',
      { bay: 'a01' },
      { bay: 'a01', kind: 'regular', status: 'free', since: now - 60_000 },
    );
    await parking.send(
      'parkingGate',
      { lane: 'entry-1' },
      {
        lane: 'entry-1',
        direction: 'entry',
        state: 'closed',
        barrier: 'down',
        fault: null,
      },
    );
    const thumb = await thumbnail();
    const read = { camera: 'cam-entry-1', lane: 'entry-1', plate: 'ABC1234', confidence: 0.94 };
    await parking.send(
      'lprRead',
      {},
      { ...read, box: [200, 300, 240, 60], candidates: [], ms: 38, thumbnail: thumb },
    );
    await parking.send(
      'cameraFrame',
      { camera: 'cam-entry-1' },
      {
        ...read,
        box: [200, 300, 240, 60],
        frameSize: [640, 480],
        thumbnail: thumb,
      },
    );
    // An entry two hours ago: older than the page's seed (1 h), found only by the log's search.
    await parking.send(
      'parkingEvent',
      {},
      { kind: 'entry', lane: 'entry-1', plate: 'QRS4567', decision: 'open' },
      now - 2 * 3600_000,
    );
    await waitFor(() => historyHas('QRS4567'), 10_000, 'entry stored in InfluxDB');

    await page.goto(`${rig.base}/#/lot/campus/gw-1`);
    const cam = page.locator('[data-camera="cam-entry-1"]');
    const box = cam.getByTestId('platebox');
    await box.waitFor({ timeout: 5000 });
    expect(await cam.locator('img').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    expect(await cam.locator('.noframe').count()).toBe(0);
    // The box sits where the read found the plate: x 200/640, y 300/480 of the frame.
    const [img, plateBox] = await Promise.all([cam.locator('img').boundingBox(), box.boundingBox()]);
    expect(((plateBox!.x - img!.x) / img!.width) * 100).toBeCloseTo(31.25, 0);
    expect(((plateBox!.y - img!.y) / img!.height) * 100).toBeCloseTo(62.5, 0);
    expect(await cam.getByTestId('read').textContent()).toBe('ABC1234');
  });

  it('flashes a standing disabled-bay violation and finds a plate in the in/out log', async () => {
    await parking.send('parkingEvent', {}, { kind: 'disabledViolation', bay: 'd01', plate: 'ZZZ9999' });
    await page.locator('[data-bay="d01"].violation').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-bay="a01"].violation').count()).toBe(0);
    await parking.send(
      'parkingEvent',
      {},
      { kind: 'entry', lane: 'entry-1', plate: 'XYZ9876', decision: 'open' },
    );
    const log = page.getByTestId('inout');
    await log.locator('[data-plate="XYZ9876"]').waitFor({ timeout: 5000 });

    await page.getByTestId('plate-search').fill('qrs-4');
    await log.locator('[data-plate="QRS4567"]').waitFor({ timeout: 5000 });
    expect(await log.locator('[data-plate="XYZ9876"]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'cityedge-lot.png'), fullPage: true });
  });
});
