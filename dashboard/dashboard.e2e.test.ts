/**
 * The control room in a real browser (Debian chromium via playwright-core) against a real broker:
 * a device publishes over MQTT, an operator signs in, sees the lot, and approves a review; the
 * device receives the `review.decide` command and its answer reaches the page.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardRig,
  newPage,
  openBrowser,
  type SimDevice,
  signIn,
  startDashboardRig,
} from './testing/e2e.ts';

const site = 'campus';
const device = 'gw-1';
const lot = {
  totalSpotNumber: 6,
  availableSpotNumber: 2,
  occupiedSpotNumber: 4,
  unknownSpotNumber: 0,
  full: false,
  drift: 0,
  disabled: { total: 1, available: 1 },
};

let rig: DashboardRig;
let gw: SimDevice;
let browser: Browser;

async function publishLot(d: SimDevice) {
  await d.send('status', {}, { state: 'online' });
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

beforeAll(async () => {
  rig = await startDashboardRig();
  await rig.addUser('olga', 'operator-pass', 'operator');
  await rig.addUser('vic', 'viewer-pass', 'viewer');
  gw = await rig.device(site, device, 'parking');
  await publishLot(gw);
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
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

  it('shows live lot counts and lets an operator approve a review that reaches the device', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'olga', 'operator-pass');
    const card = page.getByTestId(`lot-${site}-${device}`);
    await expect(card.getByTestId('available').textContent()).resolves.toBe('2');
    // A new retained count from the device shows without a reload.
    await gw.send('parkingLot', {}, { ...lot, availableSpotNumber: 1, occupiedSpotNumber: 5 });
    await card.getByTestId('available').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });

    await card.click();
    await expect(page.locator('.bay').count()).resolves.toBe(3);
    await page.getByTestId('reviews').getByRole('button', { name: 'approve' }).click();
    await page.locator('.outcome', { hasText: 'done' }).waitFor({ timeout: 10_000 });
    const decide = gw.commands.find((c) => c.params.command === 'review.decide');
    expect(decide?.payload).toMatchObject({ args: { reviewId: 'rev-42', decision: 'approve', by: 'olga' } });
    await page.screenshot({ path: join(tmpdir(), 'cityedge-dashboard-lot.png'), fullPage: true });
    await page.context().close();
  });

  it('gives a viewer no command buttons that work', async () => {
    const page = await newPage(browser);
    await signIn(page, rig.base, 'vic', 'viewer-pass');
    await page.goto(`${rig.base}/#/lot/${site}/${device}`);
    const open = page.getByRole('button', { name: 'open' }).first();
    await open.waitFor();
    expect(await open.isDisabled()).toBe(true);
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
});
