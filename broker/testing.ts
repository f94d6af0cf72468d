/** Helpers for broker tests, benches and the demo: a broker in a temp folder plus MQTT clients. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import mqtt, { type IClientOptions, MqttClient } from 'mqtt';
import { type Logger, pino } from 'pino';
import { hashPassword } from './auth/passwords.ts';
import { type BrokerConfigInput, type RunningBroker, startBroker } from './index.ts';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export interface TestBroker extends RunningBroker {
  dataDir: string;
  /** Registers a device with a password; returns MQTT credentials. */
  addDevice(
    site: string,
    device: string,
    kind?: 'parking' | 'signals' | 'other',
  ): Promise<{ username: string; password: string }>;
  addUser(username: string, role: 'viewer' | 'operator' | 'admin', password?: string): Promise<string>;
  login(username: string, password: string): Promise<string>;
  api(
    path: string,
    init?: { method?: string; token?: string; body?: unknown },
  ): Promise<{ status: number; body: unknown }>;
}

/** `logger` lets a test read the broker's log lines (default: silent unless BROKER_TEST_LOG). */
export async function startTestBroker(options: BrokerConfigInput = {}, logger?: Logger): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cityedge-broker-')));
  const broker = await startBroker(
    {
      mqttPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      admin: ADMIN,
      jwtSecret: 'test-secret-0123456789abcdef',
      ...options,
      dataDir,
    },
    logger ?? pino({ level: process.env.BROKER_TEST_LOG ?? 'silent' }),
  );
  const base = `http://127.0.0.1:${broker.httpPort}`;
  const api: TestBroker['api'] = async (path, init = {}) => {
    const res = await fetch(base + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    ...broker,
    dataDir,
    api,
    addDevice: async (site, device, kind = 'parking') => {
      const password = `pw-${site}-${device}-secret`;
      await broker.accounts.createDevice(site, device, kind, await hashPassword(password));
      return { username: `${site}.${device}`, password };
    },
    addUser: async (username, role, password = `${username}-password`) => {
      await broker.accounts.createUser(username, await hashPassword(password), role);
      return password;
    },
    login: async (username, password) => {
      const r = await api('/api/login', { body: { username, password } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return (r.body as { token: string }).token;
    },
    close: async () => {
      await broker.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** MQTT 3.1.1 client that never reconnects on its own (tests decide). */
export function connectMqtt(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
}

/** Connects and returns the CONNACK return code (0 = accepted) without throwing. */
export function connackCode(url: string, opts: IClientOptions = {}): Promise<number> {
  return connackOf(
    mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts }),
  );
}

function connackOf(c: MqttClient): Promise<number> {
  return new Promise((resolve) => {
    c.once('connect', () => c.end(true, () => resolve(0)));
    c.once('error', (e: Error & { code?: number }) => {
      c.end(true);
      resolve(typeof e.code === 'number' ? e.code : -1);
    });
    c.once('close', () => setTimeout(() => resolve(-1), 200)); // closed without any CONNACK
  });
}

/**
 * connackCode from another loopback address (e.g. `127.0.0.2`): the broker sees a second source,
 * so per-source limits can be tried against an attacker beside well-behaved clients.
 */
export function connackCodeFrom(
  localAddress: string,
  url: string,
  opts: IClientOptions = {},
): Promise<number> {
  const u = new URL(url);
  if (u.protocol.startsWith('ws')) return connackCode(url, { ...opts, wsOptions: { localAddress } });
  const stream = () => createConnection({ host: u.hostname, port: Number(u.port), localAddress });
  return connackOf(
    new MqttClient(stream, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts }),
  );
}

/** POSTs JSON from another loopback address (see connackCodeFrom); resolves status and body. */
export function postJsonFrom(
  localAddress: string,
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Collects messages on a client into an array (attach before publishing). */
export function collect(client: MqttClient): { topic: string; payload: string; retain: boolean }[] {
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) =>
    got.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return got;
}
