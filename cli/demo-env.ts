/** What the demo's parts share: options, the broker session, example files (its own file so the parts need no import back). */
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export interface DemoOptions {
  dir: string;
  adminPassword: string;
  httpPort: number;
  mqttPort: number;
  speed: number;
  influx: boolean;
  ocr: boolean;
  /** Seconds between emergency-vehicle runs through the corridor (default 240). */
  evEveryS?: number;
  /** Epoch ms the simulated day starts at (default now); the soak starts faster-than-real runs behind. */
  startMs?: number;
}

const repo = resolve(import.meta.dirname, '..');
export const DEMO_LOT = join(repo, 'controllers/parking/examples/campus-lot.yaml');
export const DEMO_REGISTRY = join(repo, 'controllers/parking/examples/registry.yaml');
export const DEMO_INTERSECTION = join(repo, 'controllers/signals/examples/four-leg-protected.yaml');

export interface AdminSession {
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
}

export interface DemoEnv {
  mqttUrl: string;
  dir: string;
  admin: AdminSession;
  operator: { username: string; password: string };
}

/** Registers a device with the broker and returns an agent config (YAML text) for it. */
export async function deviceConfig(
  env: DemoEnv,
  site: string,
  device: string,
  kind: 'parking' | 'signals',
  rest: Record<string, unknown>,
): Promise<string> {
  const created = await env.admin.post('/api/devices', { site, device, kind });
  const config = {
    site,
    device,
    mqtt: { url: env.mqttUrl, username: `${site}.${device}`, password: String(created.password) },
    queue: { path: join(env.dir, `${site}-${device}-outbox.db`) },
    health: { intervalS: 10 },
    log: { level: 'warn' },
    ...rest,
  };
  return stringify(config);
}

/** A JSON POST to the broker's HTTP API; a non-2xx answer throws with its body. */
export async function post(httpPort: number, path: string, body: unknown, token?: string) {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function login(httpPort: number, username: string, password: string): Promise<string> {
  return String((await post(httpPort, '/api/login', { username, password })).token);
}

export async function adminSession(httpPort: number, password: string): Promise<AdminSession> {
  const token = await login(httpPort, 'admin', password);
  return { post: (path, body) => post(httpPort, path, body, token) };
}
