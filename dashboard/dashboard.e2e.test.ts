/**
 * The control room in a real browser (Debian chromium via playwright-core) against a real broker:
 * a device publishes over MQTT, an operator signs in, sees the lot, and approves a review; the
 * device receives the `review.decide` command and its answer reaches the page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../broker/index.ts';
import { buildMessage, type DecodedMessage, decodeMessage, filterFor } from '../core/contract/index.ts';
import { requireBinary } from '../testing/servers.ts';
import { buildDashboard } from './build.ts';

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

let dir: string;
let broker: Awaited<ReturnType<typeof startBroker>>;
let deviceClient: MqttClient;
let context: BrowserContext;
const commands: DecodedMessage[] = [];

async function api(path: string, body: unknown, token?: string) {
  const res = await fetch(`http://127.0.0.1:${broker.httpPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, string>;
}

async function publishLot(client: MqttClient) {
  const p = { site, device };
  const msgs = [
    buildMessage('status', p, { state: 'online' }, { ts: Date.now() }),
    buildMessage('parkingLot', p, lot, { ts: Date.now() }),
    buildMessage(
      'parkingGate',
      { ...p, lane: 'entry-1' },
      { lane: 'entry-1', direction: 'entry', state: 'closed', barrier: 'down', fault: null },
      { ts: Date.now() },
    ),
    ...['b1', 'b2', 'b3'].map((bay, i) =>
      buildMessage(
        'parkingBay',
        { ...p, bay },
        {
          bay,
          kind: i === 0 ? 'disabled' : 'regular',
          status: i === 1 ? 'occupied' : 'free',
          since: Date.now(),
        },
        { ts: Date.now() },
      ),
    ),
    buildMessage(
      'parkingReviews',
      p,
      {
        pending: [
          { reviewId: 'rev-42', lane: 'entry-1', plate: null, reason: 'plate unreadable', since: Date.now() },
        ],
      },
      { ts: Date.now() },
    ),
  ];
  for (const m of msgs) await client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain });
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`http://127.0.0.1:${broker.httpPort}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  const executablePath = requireBinary('chromium', 'chromium');
  dir = await mkdtemp(join(tmpdir(), 'cityedge-dash-'));
  const dashboardDir = await buildDashboard(join(dir, 'dist'), { minify: false });
  broker = await startBroker({
    mqttPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    dashboardDir,
    admin: { username: 'admin', password: 'admin-pass-1' },
    logLevel: 'silent',
  });
  const { token } = await api('/api/login', { username: 'admin', password: 'admin-pass-1' });
  await api('/api/users', { username: 'olga', password: 'operator-pass', role: 'operator' }, token);
  await api('/api/users', { username: 'vic', password: 'viewer-pass', role: 'viewer' }, token);
  const created = await api('/api/devices', { site, device, kind: 'parking' }, token);
  deviceClient = mqtt.connect(`mqtt://127.0.0.1:${broker.mqttPort}`, {
    username: `${site}.${device}`,
    password: created.password,
    protocolVersion: 4,
  });
  deviceClient.on('message', (topic, payload) => {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok || decoded.value.kind !== 'command') return;
    commands.push(decoded.value);
    const { transaction } = decoded.value.payload as { transaction: string };
    const reply = JSON.stringify({ status: 'ok', data: {}, transaction });
    void deviceClient.publishAsync(`${topic}/response`, reply, { qos: 1 });
  });
  await new Promise<void>((resolve, reject) => {
    deviceClient.once('connect', () => resolve());
    deviceClient.once('error', reject);
  });
  await deviceClient.subscribeAsync(filterFor('command', { site, device }), { qos: 1 });
  await publishLot(deviceClient);
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  deviceClient?.end(true);
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('control-room dashboard in chromium', () => {
  it('refuses a wrong password', async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${broker.httpPort}/`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', 'not-her-password');
    await page.click('button[type=submit]');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/./);
    expect(await page.locator('[data-testid=live]').count()).toBe(0);
    await page.close();
  });

  it('shows live lot counts and lets an operator approve a review that reaches the device', async () => {
    const page = await context.newPage();
    await signIn(page, 'olga', 'operator-pass');
    const card = page.getByTestId(`lot-${site}-${device}`);
    await expect(card.getByTestId('available').textContent()).resolves.toBe('2');
    // A new retained count from the device shows without a reload.
    const update = buildMessage(
      'parkingLot',
      { site, device },
      { ...lot, availableSpotNumber: 1, occupiedSpotNumber: 5 },
      { ts: Date.now() },
    );
    await deviceClient.publishAsync(update.topic, update.payload, { qos: 1, retain: true });
    await card.getByTestId('available').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });

    await card.click();
    await expect(page.locator('.bay').count()).resolves.toBe(3);
    await page.getByTestId('reviews').getByRole('button', { name: 'approve' }).click();
    await page.locator('.outcome', { hasText: 'done' }).waitFor({ timeout: 10_000 });
    const decide = commands.find((c) => c.params.command === 'review.decide');
    expect(decide?.payload).toMatchObject({ args: { reviewId: 'rev-42', decision: 'approve', by: 'olga' } });
    await page.screenshot({ path: join(tmpdir(), 'cityedge-dashboard-lot.png'), fullPage: true });
    await page.close();
  });

  it('gives a viewer no command buttons that work', async () => {
    const page = await context.newPage();
    await signIn(page, 'vic', 'viewer-pass');
    await page.goto(`http://127.0.0.1:${broker.httpPort}/#/lot/${site}/${device}`);
    const open = page.getByRole('button', { name: 'open' }).first();
    await open.waitFor();
    expect(await open.isDisabled()).toBe(true);
    await page.close();
  });

  it('rejects a command that bypasses the page with a viewer token', async () => {
    const { token } = await api('/api/login', { username: 'vic', password: 'viewer-pass' });
    const before = commands.length;
    const res = await fetch(`http://127.0.0.1:${broker.httpPort}/api/commands`, {
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
    expect(commands.length).toBe(before);
  });
});
