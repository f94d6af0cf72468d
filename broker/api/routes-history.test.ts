/**
 * The history queries the control room's charts and logs use, against a real broker and a real
 * influxd: cycle measures per device with the newest kept under a limit, the hi-res event log,
 * and the in/out log searched by plate and lot.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage } from '../../core/contract/index.ts';
import { type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { cycleMessage, eventMessage } from '../fixtures.ts';
import { ADMIN, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let influxd: RunningServer;
let broker: TestBroker;
const clients: MqttClient[] = [];
let token = '';
const t0 = Date.now() - 600_000;

async function device(site: string, name: string, kind: 'parking' | 'signals') {
  const c = await connectMqtt(
    `mqtt://127.0.0.1:${broker.mqttPort}`,
    await broker.addDevice(site, name, kind),
  );
  clients.push(c);
  return c;
}

const hiResMessage = (deviceName: string, ts: number) =>
  buildMessage(
    'hiRes',
    { site: 'city', device: deviceName, intersection: 'oak' },
    {
      events: [
        { ts, code: 1, param: 2 },
        { ts: ts + 100, code: 82, param: 3 },
        { ts: ts + 200, code: 8, param: 2 },
      ],
    },
    { ts: ts + 200 },
  );

beforeAll(async () => {
  influxd = await startInfluxd();
  broker = await startTestBroker({ influx: { url: `http://127.0.0.1:${influxd.port}`, flushMs: 100 } });
  token = await broker.login(ADMIN.username, ADMIN.password);
  const a = await device('city', 'ctl-a', 'signals');
  const b = await device('city', 'ctl-b', 'signals');
  const lot = await device('campus', 'north', 'parking');
  const other = await device('campus', 'south', 'parking');
  // Same intersection id on two controllers: ids are per device, so the device must scope them.
  const sends: Array<readonly [MqttClient, ReturnType<typeof buildMessage>]> = [
    ...Array.from(
      { length: 5 },
      (_, c) => [a, cycleMessage('city', 'ctl-a', 'oak', t0 + c * 90_000, c)] as const,
    ),
    [b, cycleMessage('city', 'ctl-b', 'oak', t0 + 1000, 99)],
    [a, hiResMessage('ctl-a', t0 + 5000)],
    [b, hiResMessage('ctl-b', t0 + 6000)],
    [lot, eventMessage('campus', 'north', t0 + 100, 'entry', 'AB12CD')],
    [lot, eventMessage('campus', 'north', t0 + 200, 'entry', 'XY34ZZ')],
    [lot, eventMessage('campus', 'north', t0 + 300, 'exit', 'AB12CD')],
    [other, eventMessage('campus', 'south', t0 + 400, 'entry', 'AB12CD')],
  ];
  for (const [c, m] of sends) await c.publishAsync(m.topic, m.payload, { qos: 1 });
  await waitFor(() => broker.counters.get('ingest.messages') === sends.length, 5000, 'ingest');
  await broker.flushIngest();
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
  await influxd?.stop();
});

const get = async <T>(path: string) => {
  const r = await broker.api(path, { token });
  expect(r.status).toBe(200);
  return r.body as T;
};

describe('history for the control room', () => {
  it('scopes cycle measures to one device and keeps the newest cycles under a limit, oldest first', async () => {
    type S = { series: { device: string; phase: string; points: { cycle: number }[] }[] };
    const all = await get<S>(`/api/history/signals?intersection=oak&device=ctl-a&from=${t0 - 1}`);
    expect(all.series.map((s) => [s.device, s.phase, s.points.map((p) => p.cycle)])).toEqual([
      ['ctl-a', '2', [0, 1, 2, 3, 4]],
      ['ctl-a', '6', [0, 1, 2, 3, 4]],
    ]);
    const last = await get<S>(`/api/history/signals?intersection=oak&device=ctl-a&from=${t0 - 1}&limit=2`);
    expect(last.series.map((s) => s.points.map((p) => p.cycle))).toEqual([
      [3, 4],
      [3, 4],
    ]);
  });

  it('returns the hi-res log of one intersection newest first, filtered by code', async () => {
    type H = { events: { ts: number; code: number; param: number; device: string }[] };
    const log = await get<H>(`/api/history/hires?intersection=oak&device=ctl-a&from=${t0 - 1}`);
    expect(log.events.map((e) => [e.code, e.param, e.ts - t0])).toEqual([
      [8, 2, 5200],
      [82, 3, 5100],
      [1, 2, 5000],
    ]);
    expect(new Set(log.events.map((e) => e.device))).toEqual(new Set(['ctl-a']));
    const detectors = await get<H>(`/api/history/hires?intersection=oak&code=82&from=${t0 - 1}`);
    expect(detectors.events.map((e) => e.device).sort()).toEqual(['ctl-a', 'ctl-b']);
  });

  it('searches the in/out log by plate and prefix within one lot', async () => {
    type E = { events: { kind: string; plate: string; device: string }[] };
    const exact = await get<E>(`/api/history/events?site=campus&device=north&plate=AB12CD&from=${t0 - 1}`);
    expect(exact.events.map((e) => [e.kind, e.plate, e.device])).toEqual([
      ['exit', 'AB12CD', 'north'],
      ['entry', 'AB12CD', 'north'],
    ]);
    const prefix = await get<E>(`/api/history/events?plate=XY*&from=${t0 - 1}`);
    expect(prefix.events.map((e) => e.plate)).toEqual(['XY34ZZ']);
  });

  it('refuses a bad code or plate with a clear error', async () => {
    for (const q of ['hires?code=300', 'hires?code=x', 'events?plate=ab%2F.*', 'signals?device=A%20B']) {
      const r = await broker.api(`/api/history/${q}`, { token });
      expect(r.status, q).toBe(400);
    }
  });
});
