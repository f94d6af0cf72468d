/**
 * The control room in real Chromium (Debian chromium via playwright-core, fresh profile) against
 * a real broker on loopback (dashboard/testing/e2e.ts), with the demo city's plan
 * (cli/demo-city.ts) and two simulated devices speaking the contract over MQTT: a signal cabinet
 * (downtown/cab-1, Main St & 3rd Ave) that obeys flash/resetFlash, and a car park (campus/gw-1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCityPlan } from '../cli/demo-city.ts';
import {
  type DashboardRig,
  newPage,
  openBrowser,
  type SimDevice,
  signIn,
  startDashboardRig,
  SAMPLE_LOT,
} from './testing/e2e.ts';

const site = 'campus';
const device = 'gw-1';
const IX = 'main-and-3rd';
const lot = SAMPLE_LOT;

const health = {
  uptimeS: 7200,
  cpuTempC: 48.2,
  memUsedMb: 310,
  memTotalMb: 906,
  rssMb: 84,
  diskFreeMb: 12_000,
  load1: 0.31,
  queueDepth: 3,
  queueDropped: 0,
  serial: { state: 'up' as const, reconnects: 1, badFrames: 0 },
  cameras: { 'entry-1': 'ok' as const },
};

let rig: DashboardRig;
let planDir: string;
let gw: SimDevice;
let cab: SimDevice;
let browser: Browser;

async function publishLot(d: SimDevice) {
  await d.send('status', {}, { state: 'online', version: '1.4.2' });
  await d.send('parkingLot', {}, lot);
  await d.send(
    'parkingGate',
    { lane: 'entry-1' },
    { lane: 'entry-1', direction: 'entry', state: 'closed', barrier: 'down', fault: null },
  );
  for (const [i, bay] of ['b1', 'b2', 'b3'].entries()) {
    await d.send(
      'parkingBay',
      { bay },
      {
        bay,
        kind: i === 0 ? 'disabled' : 'regular',
        status: i === 1 ? 'occupied' : 'free',
        since: Date.now(),
      },
    );
  }
  await d.send(
    'parkingReviews',
    {},
    {
      pending: [
        { reviewId: 'rev-42', lane: 'entry-1', plate: null, reason: 'plate unreadable', since: Date.now() },
      ],
    },
  );
}

const heads = (mode: 'normal' | 'flash') =>
  cab.send(
    'signalHeads',
    { intersection: IX },
    {
      mode,
      groups: mode === 'flash' ? { '2': 'flashingYellow', '4': 'flashingRed' } : { '2': 'green', '4': 'red' },
    },
  );

beforeAll(async () => {
  planDir = await mkdtemp(join(tmpdir(), 'cityedge-plan-'));
  rig = await startDashboardRig({ cityPlan: await writeCityPlan(planDir) });
  await rig.addUser('olga', 'operator-pass', 'operator');
  await rig.addUser('vic', 'viewer-pass', 'viewer');
  gw = await rig.device(site, device, 'parking');
  // The simulated cabinet acts on flash commands the way the agent does: its heads report the mode.
  cab = await rig.device('downtown', 'cab-1', 'signals', async (c) => {
    if (c.params.command === 'signals.flash') await heads('flash');
    if (c.params.command === 'signals.resetFlash') await heads('normal');
  });
  await publishLot(gw);
  await cab.send('status', {}, { state: 'online', version: '2.0.1' });
  await heads('normal');
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await rm(planDir, { recursive: true, force: true });
});

describe('control-room dashboard in chromium', () => {
  it('refuses a wrong password', async () => {
    const page = await newPage(browser);
    await page.goto(`${rig.base}/`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', 'not-her-password');
    await page.click('button[type=submit]');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/./);
    expect(await page.locator('[data-testid=live]').count()).toBe(0);
    await page.context().close();
  });

  it('draws the plan with live counts and modes, and shows a new alarm within a second', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'olga', 'operator-pass');
    const marker = page.getByTestId(`lot-${site}-${device}`);
    await marker.getByTestId('available').filter({ hasText: '2' }).waitFor({ timeout: 5000 });
    await gw.send('parkingLot', {}, { ...lot, availableSpotNumber: 1, occupiedSpotNumber: 5 });
    await marker.getByTestId('available').filter({ hasText: '1' }).waitFor({ timeout: 5000 });
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=normal]`).waitFor({ timeout: 5000 });
    // Sites on the plan that never reported are drawn offline, not hidden.
    expect(await page.getByTestId('map-ix-main-and-5th').getAttribute('data-mode')).toBe('offline');

    const sentAt = Date.now();
    await cab.send(
      'signalAlarm',
      { intersection: IX },
      { kind: 'detectorFault', detail: 'loop D7 open circuit', latched: false, detector: 'D7' },
    );
    await page
      .getByTestId('alarms')
      .locator('li', { hasText: `${IX}: detectorFault` })
      .waitFor({ timeout: 1000 });
    console.log(`alarm published → in the DOM: ${Date.now() - sentAt} ms`);
    await gw.send('parkingEvent', {}, { kind: 'entry', lane: 'entry-1', plate: 'ABC123', decision: 'open' });
    await page.getByRole('link', { name: 'Events', exact: false }).first().click();
    await page.locator('table.events tr.parkingEvent', { hasText: 'ABC123' }).waitFor({ timeout: 5000 });
    await page.getByLabel('kind').selectOption('signalAlarm');
    await page.locator('table.events tr.signalAlarm', { hasText: 'loop D7 open circuit' }).waitFor();
    expect(await page.locator('table.events tr:not(.signalAlarm)').count()).toBe(0);
    await page.getByRole('link', { name: 'Overview', exact: true }).click();

    // An emergency run is drawn along its route while the unit reports it active.
    const ev = { vehicleId: 'amb-1', routeId: 'main-eastbound', routeOffsetM: 200, speedMps: 14 };
    await cab.send('evPosition', {}, { ...ev, active: true, lat: -25.2868, lon: -57.6255 });
    await page
      .getByTestId('ev-amb-1')
      .locator('polyline.evroute')
      .waitFor({ state: 'attached', timeout: 5000 });
    expect(await page.getByTestId('ev-amb-1').textContent()).toMatch(/amb-1 · Main St eastbound · 50 km\/h/);
    await page.screenshot({ path: join(tmpdir(), 'cityedge-overview.png') });
    await cab.send('evPosition', {}, { ...ev, speedMps: 0, active: false, lat: -25.2868, lon: -57.616 });
    await page.getByTestId('ev-amb-1').waitFor({ state: 'detached', timeout: 5000 });
    await page.context().close();
  });

  it('shows device health and greys a stale report with its age', async () => {
    await gw.send('health', {}, { ...health, intervalS: 60 });
    // The cabinet reports every 5 s but its last report is 40 s old: 8 intervals missed.
    await cab.send('health', {}, { ...health, serial: null, cameras: {}, intervalS: 5 }, Date.now() - 40_000);
    const page = await newPage(browser);
    await signIn(page, rig.base, 'vic', 'viewer-pass');
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const fresh = page.getByTestId(`health-${site}-${device}`);
    await fresh.filter({ hasText: '1.4.2' }).waitFor({ timeout: 5000 });
    expect(await fresh.getAttribute('data-stale')).toBe('no');
    expect(await fresh.textContent()).toMatch(/online.*48.*310 \/ 906.*up · 1 reconnects.*1 ok/);
    const stale = page.getByTestId('health-downtown-cab-1');
    expect(await stale.getAttribute('data-stale')).toBe('yes');
    expect(await stale.getByTestId('age').textContent()).toMatch(/^4\d s \(stale\)$/);
    await page.screenshot({ path: join(tmpdir(), 'cityedge-health.png') });
    await page.context().close();
  });

  it('lets an operator approve a review that reaches the device', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'olga', 'operator-pass');
    await page.getByTestId(`lot-${site}-${device}`).click();
    await expect(page.locator('.bay').count()).resolves.toBe(3);
    await page.getByTestId('reviews').getByRole('button', { name: 'approve' }).click();
    // Nothing is sent before the operator confirms.
    expect(gw.commands.some((c) => c.params.command === 'review.decide')).toBe(false);
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm approve' }).click();
    await page.locator('.outcome', { hasText: 'done' }).waitFor({ timeout: 10_000 });
    const decide = gw.commands.find((c) => c.params.command === 'review.decide');
    expect(decide?.payload).toMatchObject({ args: { reviewId: 'rev-42', decision: 'approve', by: 'olga' } });
    await page.context().close();
  });

  it('sends an operator command after confirmation, shows its effect on the map and in the audit view', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'olga', 'operator-pass');
    const row = page.getByTestId(`ix-${IX}`);
    expect(await row.getByRole('button', { name: 'back to normal' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: 'flash' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('signals.flash').waitFor();
    // A reason is required: the confirm button stays disabled until one is typed.
    expect(await dialog.getByRole('button', { name: 'Confirm flash' }).isDisabled()).toBe(true);
    await dialog.getByPlaceholder(/reason/).fill('lamp test');
    await dialog.getByRole('button', { name: 'Confirm flash' }).click();
    await row.locator('.outcome', { hasText: 'done' }).waitFor({ timeout: 5000 });
    const flash = cab.commands.find((c) => c.params.command === 'signals.flash');
    expect(flash?.payload).toMatchObject({ args: { intersection: IX, reason: 'lamp test', by: 'olga' } });
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=flash]`).waitFor({ timeout: 5000 });
    expect(await row.getByRole('button', { name: 'flash', exact: true }).isDisabled()).toBe(true);
    const flashAlarm = page.getByTestId('alarms').locator('li', { hasText: `${IX} in flash` });
    await flashAlarm.waitFor({ timeout: 5000 });
    // The header tells every page; acknowledged, the alarm stays listed with who, sorted after open ones.
    await page.getByTestId('alarm-badge').filter({ hasText: '1 major' }).waitFor({ timeout: 5000 });
    await flashAlarm.getByRole('button', { name: 'acknowledge' }).click();
    await flashAlarm.locator('.ackby', { hasText: 'ack olga' }).waitFor({ timeout: 5000 });
    await page.getByTestId('alarm-badge').filter({ hasText: 'no open alarms' }).waitFor({ timeout: 5000 });
    expect(await flashAlarm.getAttribute('class')).toMatch(/acked/);
    await page.screenshot({ path: join(tmpdir(), 'cityedge-overview-flash.png') });

    await row.getByRole('button', { name: 'back to normal' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm back to normal' }).click();
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=normal]`).waitFor({ timeout: 5000 });

    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    const audited = page.getByTestId('audit').locator('tr', { hasText: 'downtown/cab-1/signals.flash' });
    await audited.waitFor({ timeout: 5000 });
    expect(await audited.textContent()).toMatch(/olga.*command.*reason=lamp test.*ok/);
    await page
      .getByTestId('audit')
      .locator('tr', { hasText: 'downtown/cab-1/signals.resetFlash' })
      .waitFor({ timeout: 5000 });
    const ack = page
      .getByTestId('audit')
      .locator('tr[data-action="alarm.ack"]', { hasText: 'flash/downtown/cab-1' });
    expect(await ack.textContent()).toMatch(/olga.*alarm\.ack.*in flash/);
    await page.screenshot({ path: join(tmpdir(), 'cityedge-audit.png') });
    await page.context().close();
  });

  it('shows a viewer no controls anywhere', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'vic', 'viewer-pass');
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=normal]`).waitFor({ timeout: 5000 });
    await page.getByTestId('alarms').locator('li').first().waitFor({ timeout: 5000 });
    expect(await page.locator('main button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit', exact: true }).count()).toBe(0);
    await page.goto(`${rig.base}/#/lot/${site}/${device}`);
    await page.getByTestId('bays').waitFor();
    // The occupancy chart's time-range buttons are the only ones left: views, not commands.
    expect(await page.locator('main button:not(.range-picker button)').count()).toBe(0);
    expect(await page.locator('main .range-picker button').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('rejects a command that bypasses the page with a viewer token', async () => {
    const { token } = await rig.post('/api/login', { username: 'vic', password: 'viewer-pass' });
    const before = gw.commands.length;
    const res = await fetch(`${rig.base}/api/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        site,
        device,
        command: 'gate.open',
        args: { lane: 'entry-1', reason: 'x', by: 'vic' },
      }),
    });
    expect(res.status).toBe(403);
    expect(gw.commands.length).toBe(before);
  });

  it('keeps working across a broker restart', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'olga', 'operator-pass');
    const marker = page.getByTestId(`lot-${site}-${device}`);
    await marker.getByTestId('available').waitFor({ timeout: 5000 });
    const wentOffline = page.getByTestId('live').filter({ hasText: 'offline' }).waitFor({ timeout: 10_000 });
    await rig.restart();
    await wentOffline;
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => gw.client.connected && cab.client.connected, { timeout: 10_000 }).toBe(true);
    const modeAfter = await page.getByTestId(`map-ix-${IX}`).getAttribute('data-mode');
    console.log(`${IX} after the restart, before the cabinet re-announces: ${modeAfter}`);
    // Real agents re-announce on every reconnect (birth and retained state, which the restarted
    // broker no longer holds); the simulated cabinet does the same, and its commands subscription is
    // restored before the page can see the re-announced heads (same connection, in order).
    await cab.send('status', {}, { state: 'online', version: '2.0.1' });
    await heads('normal');
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=normal]`).waitFor({ timeout: 5000 });
    // Live data flows again without a reload, and the session's token is still honoured.
    await gw.send('parkingLot', {}, { ...lot, availableSpotNumber: 5, occupiedSpotNumber: 1 });
    await marker.getByTestId('available').filter({ hasText: '5' }).waitFor({ timeout: 5000 });
    const row = page.getByTestId(`ix-${IX}`);
    await row.getByRole('button', { name: 'flash' }).click();
    await page
      .getByRole('dialog')
      .getByPlaceholder(/reason/)
      .fill('after restart');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm flash' }).click();
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=flash]`).waitFor({ timeout: 5000 });
    await page.context().close();
  });
});
