/**
 * The demo's emergency runs: every few minutes an ambulance drives Main St through the corridor,
 * alternating eastbound and westbound. Its on-board unit is a device of its own (`fleet/amb-1`)
 * publishing `evPosition` with coordinates once a second; a dispatcher user turns positions into
 * `priority.request` (ETA within the detection range, again when the ETA moved ≥ 2 s) and
 * `priority.cancel` once past the stop line, through the HTTP API so every request is audited.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { buildMessage } from '../core/contract/index.ts';
import { ETA_UPDATE_MS } from '../simulators/sumo/ev-tracker.ts';
import { EV_ROUTES, EV_TAIL_M, pointAlong, stopOffsets } from './demo-city.ts';
import type { DemoEnv } from './demo-env.ts';

const FLEET = { site: 'fleet', device: 'amb-1' };
const SPEED_MPS = 14; // ≈ 50 km/h through a signalised urban corridor
const DETECTION_RANGE_M = 300;
const FIRST_RUN_S = 30;

export async function startDemoEv(env: DemoEnv, httpPort: number, everyS: number) {
  const created = await env.admin.post('/api/devices', { ...FLEET, kind: 'other' });
  const dispatcherPassword = randomBytes(8).toString('hex');
  await env.admin.post('/api/users', {
    username: 'ev-dispatch',
    password: dispatcherPassword,
    role: 'operator',
  });
  const unit = await connect(env.mqttUrl, `${FLEET.site}.${FLEET.device}`, String(created.password));
  // Availability like every agent, so the control room lists the unit as online, not unknown.
  await publishStatus(unit, 'online');
  const api = dispatcherApi(httpPort, dispatcherPassword);
  let runs = 0;
  let failures = 0;
  let current: Promise<void> = Promise.resolve();
  const abort = new AbortController();
  const start = () => {
    const route = EV_ROUTES[runs % EV_ROUTES.length]!;
    runs++;
    current = driveOnce(unit, api, route.routeId, route.approach, abort.signal).catch((e: unknown) => {
      failures++;
      console.error(`demo EV run failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  };
  const first = setTimeout(start, FIRST_RUN_S * 1000);
  const timer = setInterval(start, everyS * 1000);
  return {
    summary: () =>
      `EV runs ${runs}${failures ? ` (${failures} failed)` : ''}, ${api.sent()} priority commands`,
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      abort.abort();
      await current;
      await publishStatus(unit, 'offline');
      await unit.endAsync();
    },
  };
}

async function publishStatus(unit: MqttClient, state: 'online' | 'offline') {
  const m = buildMessage('status', FLEET, { state }, { ts: Date.now() });
  await unit.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
}

async function connect(url: string, username: string, password: string): Promise<MqttClient> {
  const gone = buildMessage('status', FLEET, { state: 'offline' }, { ts: Date.now() });
  const client = mqtt.connect(url, {
    username,
    password,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    will: { topic: gone.topic, payload: Buffer.from(gone.payload), qos: gone.qos, retain: gone.retain },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Commands as the `ev-dispatch` operator: logs in again when its token expires. */
function dispatcherApi(httpPort: number, password: string) {
  let token: string | null = null;
  let sent = 0;
  const post = async (path: string, body: unknown, auth?: string) =>
    fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    });
  const login = async () => {
    const res = await post('/api/login', { username: 'ev-dispatch', password });
    token = String(((await res.json()) as { token: string }).token);
    return token;
  };
  return {
    sent: () => sent,
    async command(site: string, device: string, command: string, args: Record<string, unknown>) {
      const body = { site, device, command, args, timeoutMs: 3000 };
      let res = await post('/api/commands', body, token ?? (await login()));
      if (res.status === 401) res = await post('/api/commands', body, await login());
      sent++;
      if (!res.ok) console.error(`demo EV ${command} → ${site}/${device}: HTTP ${res.status}`);
    },
  };
}

type Api = ReturnType<typeof dispatcherApi>;

/** One run along the route, one position a second, requests and cancels per junction. */
async function driveOnce(unit: MqttClient, api: Api, routeId: string, approach: string, signal: AbortSignal) {
  const stops = stopOffsets(routeId);
  const lengthM = stops[stops.length - 1]!.offsetM + EV_TAIL_M;
  const lastEta = new Map<string, number>();
  const done = new Set<string>();
  for (let offsetM = 0; offsetM <= lengthM && !signal.aborted; offsetM += SPEED_MPS) {
    const ts = Date.now();
    await publishPosition(unit, routeId, offsetM, true, ts);
    for (const { x, offsetM: stopM } of stops) {
      if (done.has(x.id)) continue;
      const target = { intersection: x.id, vehicleId: FLEET.device };
      if (offsetM > stopM) {
        done.add(x.id);
        if (lastEta.has(x.id)) await api.command(x.site, x.device, 'priority.cancel', target);
        continue;
      }
      if (stopM - offsetM > DETECTION_RANGE_M) continue;
      const etaTs = ts + Math.round(((stopM - offsetM) / SPEED_MPS) * 1000);
      if (Math.abs((lastEta.get(x.id) ?? 0) - etaTs) < ETA_UPDATE_MS) continue;
      lastEta.set(x.id, etaTs);
      await api.command(x.site, x.device, 'priority.request', { ...target, routeId, approach, etaTs });
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - ts))));
  }
  await publishPosition(unit, routeId, lengthM, false, Date.now());
}

async function publishPosition(
  unit: MqttClient,
  routeId: string,
  offsetM: number,
  active: boolean,
  ts: number,
) {
  const data = {
    vehicleId: FLEET.device,
    routeId,
    routeOffsetM: offsetM,
    speedMps: active ? SPEED_MPS : 0,
    active,
    ...pointAlong(routeId, offsetM),
  };
  const m = buildMessage('evPosition', FLEET, data, { ts });
  await unit.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
}
