/**
 * Shared rig of the dashboard's browser tests: the built app served by a real broker on free
 * loopback ports, users and device accounts made through the real HTTP API, simulated devices
 * that publish over MQTT and answer their commands, and Debian Chromium (fresh profile) through
 * testing/browser.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { startBroker } from '../../broker/index.ts';
import {
  buildMessage,
  type DecodedMessage,
  type Data,
  decodeMessage,
  filterFor,
  type TopicKind,
  type TopicParams,
} from '../../core/contract/index.ts';
import { launchChromium } from '../../testing/browser.ts';
import { buildDashboard } from '../build.ts';

export const ADMIN = { username: 'admin', password: 'admin-pass-1' };

/** A small car park's counts (6 bays, one disabled) the browser tests publish as `parkingLot`. */
export const SAMPLE_LOT = {
  totalSpotNumber: 6,
  availableSpotNumber: 2,
  occupiedSpotNumber: 4,
  unknownSpotNumber: 0,
  full: false,
  drift: 0,
  disabled: { total: 1, available: 1 },
};

export interface DashboardRig {
  dir: string;
  /** The built app the broker serves (read per request: files written here show at once). */
  dashboardDir: string;
  broker: Awaited<ReturnType<typeof startBroker>>;
  /** `http://127.0.0.1:<port>` of the broker's HTTP API and the dashboard. */
  base: string;
  adminToken: string;
  /** JSON POST to the broker's HTTP API; the parsed body (errors included). */
  post(path: string, body: unknown, token?: string): Promise<Record<string, string>>;
  addUser(username: string, password: string, role: 'viewer' | 'operator' | 'admin'): Promise<void>;
  /**
   * Registers a device account and connects it over MQTT; it answers every command `ok`, after
   * `onCommand` (a device acting on it, e.g. publishing its new state) when given.
   */
  device(
    site: string,
    device: string,
    kind: 'parking' | 'signals',
    onCommand?: (c: DecodedMessage) => Promise<void>,
  ): Promise<SimDevice>;
  /** Stops the broker and starts it again on the same ports and data (clients reconnect). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

type SendKind = Exclude<TopicKind, 'command' | 'commandResponse'>;

export interface SimDevice {
  client: MqttClient;
  /** Commands received, oldest first. */
  commands: DecodedMessage[];
  /** Publishes one contract message (retained when the contract says so). */
  send<K extends SendKind>(kind: K, params: TopicParams, data: Data<K>, ts?: number): Promise<void>;
}

export async function startDashboardRig(
  extra: Partial<Parameters<typeof startBroker>[0]> = {},
): Promise<DashboardRig> {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-dash-'));
  const dashboardDir = await buildDashboard(join(dir, 'dist'), { minify: false });
  const start = (ports: { mqttPort: number; httpPort: number }) =>
    startBroker({
      ...ports,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      dashboardDir,
      admin: ADMIN,
      logLevel: 'silent',
      ...extra,
    });
  let broker = await start({ mqttPort: 0, httpPort: 0 });
  const base = `http://127.0.0.1:${broker.httpPort}`;
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, string>;
  };
  const { token: adminToken = '' } = await post('/api/login', ADMIN);
  const devices: MqttClient[] = [];
  return {
    dir,
    dashboardDir,
    get broker() {
      return broker;
    },
    base,
    adminToken,
    post,
    addUser: async (username, password, role) => {
      await post('/api/users', { username, password, role }, adminToken);
    },
    device: async (site, device, kind, onCommand) => {
      const created = await post('/api/devices', { site, device, kind }, adminToken);
      const sim = await connectDevice(broker.mqttPort, site, device, String(created.password), onCommand);
      devices.push(sim.client);
      return sim;
    },
    restart: async () => {
      const ports = { mqttPort: broker.mqttPort, httpPort: broker.httpPort };
      await broker.close();
      broker = await start(ports);
    },
    close: async () => {
      for (const d of devices) d.end(true);
      await broker.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function connectDevice(
  port: number,
  site: string,
  device: string,
  password: string,
  onCommand?: (c: DecodedMessage) => Promise<void>,
): Promise<SimDevice> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    username: `${site}.${device}`,
    password,
    protocolVersion: 4,
    reconnectPeriod: 300,
  });
  const filter = filterFor('command', { site, device });
  const commands: DecodedMessage[] = [];
  client.on('message', (topic, payload) => {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok || decoded.value.kind !== 'command') return;
    commands.push(decoded.value);
    const { transaction } = decoded.value.payload as { transaction: string };
    const reply = JSON.stringify({ status: 'ok', data: {}, transaction });
    const act = onCommand?.(decoded.value) ?? Promise.resolve();
    void act.then(() => client.publishAsync(`${topic}/response`, reply, { qos: 1 }));
  });
  // A broker restart may lose the session: subscribe again on every reconnect.
  client.on('connect', (ack) => {
    if (!ack.sessionPresent) void client.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    commands,
    send: async (kind, params, data, ts = Date.now()) => {
      const m = buildMessage(kind, { site, device, ...params }, data, { ts });
      await client.publishAsync(m.topic, m.payload, { qos: 1, retain: m.retain });
    },
  };
}

/** Chromium with a fresh temporary profile, sized like the control room's laptop (1440×900). */
export async function openBrowser(): Promise<Browser> {
  return launchChromium();
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

/** Signs in through the login form and waits until the live feed is connected. */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
}
