/**
 * The control room in real Chromium (Debian chromium via playwright-core, fresh profile) against
 * a real broker on loopback, with the demo city's plan (cli/demo-city.ts) and two simulated
 * devices speaking the contract over MQTT: a signal cabinet (downtown/cab-1, Main St & 3rd Ave)
 * that obeys flash/resetFlash, and a car park (campus/gw-1) with a gate and a pending review.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../broker/index.ts';
import { writeCityPlan } from '../cli/demo-city.ts';
import { buildMessage, type DecodedMessage, decodeMessage, filterFor } from '../core/contract/index.ts';
import { CHROMIUM_ARGS } from '../testing/browser.ts';
import { requireBinary } from '../testing/servers.ts';
import { buildDashboard } from './build.ts';

const lotDev = { site: 'campus', device: 'gw-1' };
const cabDev = { site: 'downtown', device: 'cab-1' };
const IX = 'main-and-3rd';
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
let dashboardDir: string;
let broker: Awaited<ReturnType<typeof startBroker>>;
let ports: { httpPort: number; mqttPort: number };
let context: BrowserContext;
let lotClient: MqttClient;
let cabClient: MqttClient;
const commands: DecodedMessage[] = [];
const passwords: Record<string, string> = {};

const base = () => `http://127.0.0.1:${ports.httpPort}`;

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${base()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function publish(
  client: MqttClient,
  kind: Parameters<typeof buildMessage>[0],
  params: Record<string, string>,
  data: unknown,
) {
  const m = buildMessage(kind, params as never, data as never, { ts: Date.now() });
  await client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain });
}

const heads = (client: MqttClient, mode: 'normal' | 'flash') =>
  publish(
    client,
    'signalHeads',
    { ...cabDev, intersection: IX },
    {
      mode,
      groups: mode === 'flash' ? { '2': 'flashingYellow', '4': 'flashingRed' } : { '2': 'green', '4': 'red' },
    },
  );

async function publishLot(client: MqttClient) {
  await publish(client, 'status', lotDev, { state: 'online', version: '1.4.2' });
  await publish(client, 'parkingLot', lotDev, lot);
  await publish(
    client,
    'parkingGate',
    { ...lotDev, lane: 'entry-1' },
    { lane: 'entry-1', direction: 'entry', state: 'closed', barrier: 'down', fault: null },
  );
  for (const [i, bay] of ['b1', 'b2', 'b3'].entries())
    await publish(
      client,
      'parkingBay',
      { ...lotDev, bay },
      {
        bay,
        kind: i === 0 ? 'disabled' : 'regular',
        status: i === 1 ? 'occupied' : 'free',
        since: Date.now(),
      },
    );
  await publish(client, 'parkingReviews', lotDev, {
    pending: [
      { reviewId: 'rev-42', lane: 'entry-1', plate: null, reason: 'plate unreadable', since: Date.now() },
    ],
  });
}

/** A simulated device: answers every command `ok`, and a cabinet acts on flash/resetFlash. */
async function connectDevice(
  d: { site: string; device: string },
  password: string,
  onCommand?: (c: DecodedMessage) => Promise<void>,
) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${ports.mqttPort}`, {
    username: `${d.site}.${d.device}`,
    password,
    protocolVersion: 4,
    reconnectPeriod: 300,
  });
  client.on('message', (topic, payload) => {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok || decoded.value.kind !== 'command') return;
    commands.push(decoded.value);
    const { transaction } = decoded.value.payload as { transaction: string };
    void (onCommand?.(decoded.value) ?? Promise.resolve()).then(() =>
      client.publishAsync(`${topic}/response`, JSON.stringify({ status: 'ok', data: {}, transaction }), {
        qos: 1,
      }),
    );
  });
  // Subscribe on every (re)connect: the broker restart test drops the session.
  client.on(
    'connect',
    () => void client.subscribeAsync(filterFor('command', d), { qos: 1 }).catch(() => undefined),
  );
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filterFor('command', d), { qos: 1 });
  return client;
}

async function startCity() {
  broker = await startBroker({
    mqttPort: ports.mqttPort,
    httpPort: ports.httpPort,
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    dashboardDir,
    admin: { username: 'admin', password: 'admin-pass-1' },
    logLevel: 'silent',
  });
  ports = { httpPort: broker.httpPort, mqttPort: broker.mqttPort };
}

async function signIn(page: Page, username: string) {
  await page.goto(`${base()}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', passwords[username]!);
  await page.click('button[type=submit]');
  await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  const executablePath = requireBinary('chromium', 'chromium');
  dir = await mkdtemp(join(tmpdir(), 'cityedge-dash-'));
  dashboardDir = await buildDashboard(join(dir, 'dist'), { minify: false });
  await writeCityPlan(dashboardDir);
  ports = { httpPort: 0, mqttPort: 0 };
  await startCity();
  const { body: admin } = await post('/api/login', { username: 'admin', password: 'admin-pass-1' });
  Object.assign(passwords, { olga: 'operator-pass', vic: 'viewer-pass' });
  await post('/api/users', { username: 'olga', password: passwords.olga, role: 'operator' }, admin.token);
  await post('/api/users', { username: 'vic', password: passwords.vic, role: 'viewer' }, admin.token);
  const lotCreds = await post('/api/devices', { ...lotDev, kind: 'parking' }, admin.token);
  const cabCreds = await post('/api/devices', { ...cabDev, kind: 'signals' }, admin.token);
  lotClient = await connectDevice(lotDev, lotCreds.body.password!);
  cabClient = await connectDevice(cabDev, cabCreds.body.password!, async (c) => {
    if (c.params.command === 'signals.flash') await heads(cabClient, 'flash');
    if (c.params.command === 'signals.resetFlash') await heads(cabClient, 'normal');
  });
  await publishLot(lotClient);
  await publish(cabClient, 'status', cabDev, { state: 'online', version: '2.0.1' });
  await heads(cabClient, 'normal');
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: CHROMIUM_ARGS,
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  lotClient?.end(true);
  cabClient?.end(true);
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('control-room dashboard in chromium', () => {
  it('refuses a wrong password', async () => {
    const page = await context.newPage();
    await page.goto(`${base()}/`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', 'not-her-password');
    await page.click('button[type=submit]');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/./);
    expect(await page.locator('[data-testid=live]').count()).toBe(0);
    await page.close();
  });

  it('draws the plan with live lot counts and intersection modes, and shows a new alarm within a second', async () => {
    const page = await context.newPage();
    await signIn(page, 'olga');
    const marker = page.getByTestId(`lot-${lotDev.site}-${lotDev.device}`);
    await marker.getByTestId('available').filter({ hasText: '2' }).waitFor({ timeout: 5000 });
    await page.locator(`[data-testid=map-ix-${IX}][data-mode=normal]`).waitFor({ timeout: 5000 });
    // Sites on the plan but not reporting are drawn offline, not hidden.
    expect(await page.getByTestId('map-ix-main-and-5th').getAttribute('data-mode')).toBe('offline');

    const sentAt = Date.now();
    await publish(
      cabClient,
      'signalAlarm',
      { ...cabDev, intersection: IX },
      {
        kind: 'detectorFault',
        detail: 'loop D7 open circuit',
        latched: false,
        detector: 'D7',
      },
    );
    await page
      .getByTestId('alarms')
      .locator('li', { hasText: `${IX}: detectorFault` })
      .waitFor({ timeout: 1000 });
    console.log(`alarm published → in the DOM: ${Date.now() - sentAt} ms`);
    await page.screenshot({ path: join(tmpdir(), 'cityedge-overview.png') });
    await page.close();
  });

  it('lets an operator approve a review that reaches the device', async () => {
    const page = await context.newPage();
    await signIn(page, 'olga');
    await page.getByTestId(`lot-${lotDev.site}-${lotDev.device}`).click();
    await expect(page.locator('.bay').count()).resolves.toBe(3);
    await page.getByTestId('reviews').getByRole('button', { name: 'approve' }).click();
    await page.locator('.outcome', { hasText: 'done' }).waitFor({ timeout: 10_000 });
    const decide = commands.find((c) => c.params.command === 'review.decide');
    expect(decide?.payload).toMatchObject({ args: { reviewId: 'rev-42', decision: 'approve', by: 'olga' } });
    await page.close();
  });

  it('rejects a command that bypasses the page with a viewer token', async () => {
    const { body } = await post('/api/login', { username: 'vic', password: passwords.vic });
    const before = commands.length;
    const res = await post(
      '/api/commands',
      { ...lotDev, command: 'gate.open', args: { lane: 'entry-1', reason: 'x', by: 'vic' } },
      body.token,
    );
    expect(res.status).toBe(403);
    expect(commands.length).toBe(before);
  });
});
