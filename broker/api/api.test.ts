/**
 * HTTP API against a real broker and a real influxd: roles, history, idempotent ingest,
 * registry CRUD with audit and pushes, commands, and injection attempts.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { buildMessage } from '../../core/contract/index.ts';
import { continuousQueries, ensureSchema } from '../ingest/schema.ts';
import { cycleMessage, eventMessage, lotMessage, lprMessage } from '../fixtures.ts';
import { ADMIN, collect, connectMqtt, startTestBroker, type TestBroker } from '../testing.ts';

let influxd: RunningServer;
let broker: TestBroker;
let dev: MqttClient;
let ctl: MqttClient;
const tokens: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  influxd = await startInfluxd();
  broker = await startTestBroker({ influx: { url: `http://127.0.0.1:${influxd.port}`, flushMs: 100 } });
  tokens.admin = await broker.login(ADMIN.username, ADMIN.password);
  tokens.viewer = await broker.login('vic', await broker.addUser('vic', 'viewer'));
  tokens.operator = await broker.login('olga', await broker.addUser('olga', 'operator'));
  dev = await connectMqtt(`mqtt://127.0.0.1:${broker.mqttPort}`, await broker.addDevice('campus', 'north'));
  ctl = await connectMqtt(
    `mqtt://127.0.0.1:${broker.mqttPort}`,
    await broker.addDevice('city', 'ctl-1', 'signals'),
  );
  const sends = [
    ...Array.from({ length: 10 }, (_, i) => lotMessage('campus', 'north', t0 + i * 1000, 100 + i)),
    lprMessage('campus', 'north', t0 + 500, 'AB12CD'),
    lprMessage('campus', 'north', t0 + 1500, 'AB99XY'),
    lprMessage('campus', 'north', t0 + 2500, 'ZZ11ZZ'),
    eventMessage('campus', 'north', t0 + 600, 'entry', 'AB12CD'),
    eventMessage('campus', 'north', t0 + 9000, 'exit', 'AB12CD'),
  ];
  for (const m of sends) await dev.publishAsync(m.topic, m.payload, { qos: 1 });
  for (let c = 0; c < 3; c++) {
    const m = cycleMessage('city', 'ctl-1', 'main-1st', t0 + c * 90_000 - 200_000, c);
    await ctl.publishAsync(m.topic, m.payload, { qos: 1 });
  }
  // A replay of the first lot message (same id and ts), as after store-and-forward.
  const first = sends[0]!;
  await dev.publishAsync(first.topic, first.payload, { qos: 1 });
  await waitFor(() => broker.counters.get('ingest.messages') === sends.length + 4, 5000, 'ingest');
  await broker.flushIngest();
});

afterAll(async () => {
  dev?.end(true);
  ctl?.end(true);
  await broker?.close();
  await influxd?.stop();
});

const get = (path: string, role: keyof typeof tokens = 'viewer') => broker.api(path, { token: tokens[role] });

describe('auth and roles', () => {
  it('refuses wrong logins and missing or forged tokens', async () => {
    expect(
      (await broker.api('/api/login', { body: { username: 'vic', password: 'nope-nope' } })).status,
    ).toBe(401);
    expect((await broker.api('/api/login', { body: '{bad json' })).status).toBe(400);
    expect((await broker.api('/api/me')).status).toBe(401);
    const forged = `${tokens.viewer.split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl`;
    expect((await broker.api('/api/me', { token: forged })).status).toBe(401);
    expect((await get('/api/me')).body).toEqual({ username: 'vic', role: 'viewer' });
  });

  it('enforces viewer < operator < admin', async () => {
    const vehicle = { plate: 'RO1E55', owner: 'x', category: 'staff' };
    expect((await broker.api('/api/registry/vehicles', { token: tokens.viewer, body: vehicle })).status).toBe(
      403,
    );
    expect(
      (await broker.api('/api/registry/vehicles', { token: tokens.operator, body: vehicle })).status,
    ).toBe(403);
    expect((await get('/api/users', 'operator')).status).toBe(403);
    expect((await broker.api('/api/commands', { token: tokens.viewer, body: {} })).status).toBe(403);
    expect((await get('/api/users', 'admin')).status).toBe(200);
    expect((await broker.api('/api/health')).status).toBe(200);
  });
});

describe('history', () => {
  it('returns lot occupancy over time, a replayed message counted once', async () => {
    const r = await get(`/api/history/lots?site=campus&lot=north&from=${t0 - 1}&to=${t0 + 20_000}`);
    expect(r.status).toBe(200);
    const series = (r.body as { series: { lot: string; points: { occupied: number }[] }[] }).series;
    expect(series).toHaveLength(1);
    expect(series[0]!.points.map((p) => p.occupied)).toEqual([
      100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
    ]);
  });

  it('searches the LPR log by plate and by prefix', async () => {
    const exact = await get(`/api/history/lpr?plate=AB12CD&from=${t0 - 1}`);
    expect((exact.body as { reads: { plate: string }[] }).reads.map((x) => x.plate)).toEqual(['AB12CD']);
    const prefix = await get(`/api/history/lpr?plate=AB*&from=${t0 - 1}`);
    expect((prefix.body as { reads: { plate: string }[] }).reads.map((x) => x.plate)).toEqual([
      'AB99XY',
      'AB12CD',
    ]);
  });

  it('lists events by time range and kind, newest first', async () => {
    const all = await get(`/api/history/events?site=campus&from=${t0 - 1}&to=${t0 + 10_000}`);
    expect((all.body as { events: { kind: string }[] }).events.map((e) => e.kind)).toEqual(['exit', 'entry']);
    const entries = await get(`/api/history/events?kind=entry&from=${t0 - 1}`);
    expect((entries.body as { events: { plate: string }[] }).events.map((e) => e.plate)).toEqual(['AB12CD']);
  });

  it('returns signal measures per intersection and phase', async () => {
    const r = await get(`/api/history/signals?intersection=main-1st&from=${t0 - 300_000}`);
    const series = (r.body as { series: { phase: string; points: unknown[] }[] }).series;
    expect(series.map((s) => [s.phase, s.points.length])).toEqual([
      ['2', 3],
      ['6', 3],
    ]);
  });

  it('makes InfluxQL and SQL injection attempts harmless', async () => {
    const attacks = [
      `/api/history/lots?site=${encodeURIComponent("campus' OR 1=1 --")}`,
      `/api/history/lots?lot=${encodeURIComponent('north"; DROP DATABASE cityedge')}`,
      `/api/history/lpr?plate=${encodeURIComponent('/.*/ OR plate=~/.*')}`,
      `/api/history/lots?from=${encodeURIComponent('0; DROP MEASUREMENT lpr_read')}`,
      `/api/registry/vehicles?q=${encodeURIComponent("%' OR '1'='1")}`,
      `/api/registry/vehicles/${encodeURIComponent("AB12CD' OR '1'='1")}`,
    ];
    for (const a of attacks) expect((await get(a)).status).toBe(400);
    // A bound parameter holding SQL/InfluxQL text is just a value that matches nothing.
    const none = await broker.api(`/api/audit?actor=${encodeURIComponent("x' OR '1'='1")}`, {
      token: tokens.admin,
    });
    expect((none.body as { entries: unknown[] }).entries).toEqual([]);
    const still = await get(`/api/history/lpr?plate=AB12CD&from=${t0 - 1}`);
    expect((still.body as { reads: unknown[] }).reads).toHaveLength(1);
  });
});

describe('registry', () => {
  it('creates, updates and deletes vehicles, audits each change and pushes it to parking devices', async () => {
    const cmds = collect(dev);
    await dev.subscribeAsync('cityedge/v1/campus/north/cmd/+', { qos: 1 });
    const admin = { token: tokens.admin };
    const body = { plate: 'CD34EF', owner: 'Ada', category: 'staff', sites: ['campus'] };
    expect((await broker.api('/api/registry/vehicles', { ...admin, body })).status).toBe(201);
    expect((await broker.api('/api/registry/vehicles', { ...admin, body })).status).toBe(409);
    const put = await broker.api('/api/registry/vehicles/CD34EF', {
      ...admin,
      method: 'PUT',
      body: { owner: 'Ada L.', category: 'disabled', sites: ['campus'] },
    });
    expect(put.body).toMatchObject({
      plate: 'CD34EF',
      owner: 'Ada L.',
      category: 'disabled',
      sites: ['campus'],
    });
    expect((await get('/api/registry/vehicles?q=CD')).body).toMatchObject({ total: 1 });
    expect((await broker.api('/api/registry/vehicles/CD34EF', { ...admin, method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await get('/api/registry/vehicles/CD34EF')).status).toBe(404);
    await waitFor(() => cmds.length === 3, 5000, 'three registry pushes');
    expect(cmds.map((c) => c.topic.split('/').pop())).toEqual([
      'registry.upsert',
      'registry.upsert',
      'registry.remove',
    ]);
    expect(JSON.parse(cmds[2]!.payload).args).toEqual({ plates: ['CD34EF'] });
    const audit = await broker.api('/api/audit?actor=admin', admin);
    const actions = (audit.body as { entries: { action: string; target: string }[] }).entries
      .filter((e) => e.target === 'CD34EF')
      .map((e) => e.action);
    expect(actions).toEqual(['registry.remove', 'registry.upsert', 'registry.upsert']);
  });
});

describe('commands', () => {
  it('relays the device answer to the operator and audits it; times out when nobody answers', async () => {
    await dev.subscribeAsync('cityedge/v1/campus/north/cmd/gate.open', { qos: 1 });
    const answer = (topic: string, payload: Buffer) => {
      if (!topic.endsWith('/gate.open')) return;
      const { transaction } = JSON.parse(payload.toString()) as { transaction: string };
      dev.publish(
        `${topic}/response`,
        JSON.stringify({ status: 'ok', data: { barrier: 'up' }, transaction }),
        { qos: 1 },
      );
    };
    dev.on('message', answer);
    const args = { lane: 'entry-1', reason: 'ambulance', by: 'olga' };
    const r = await broker.api('/api/commands', {
      token: tokens.operator,
      body: { site: 'campus', device: 'north', command: 'gate.open', args },
    });
    dev.off('message', answer);
    expect(r.status).toBe(200);
    expect((r.body as { response: unknown }).response).toMatchObject({
      status: 'ok',
      data: { barrier: 'up' },
    });
    const bad = await broker.api('/api/commands', {
      token: tokens.operator,
      body: { site: 'campus', device: 'north', command: 'gate.open', args: { lane: 'x' } },
    });
    expect(bad.status).toBe(400);
    const late = await broker.api('/api/commands', {
      token: tokens.operator,
      body: { site: 'campus', device: 'south', command: 'ping', args: {}, timeoutMs: 300 },
    });
    expect(late.status).toBe(504);
    const audit = await broker.api('/api/audit?actor=olga', { token: tokens.admin });
    const outcomes = (audit.body as { entries: { action: string; outcome: string }[] }).entries.map(
      (e) => e.outcome,
    );
    expect(outcomes).toEqual(['timeout', 'ok']);
  });
});

describe('InfluxDB schema', () => {
  it('has raw + roll-up retention policies and the continuous queries, and re-creating them is a no-op', async () => {
    const ingest = broker.ingest!;
    const names = async () => ({
      rps: (await ingest.influx.showRetentionPolicies('cityedge'))
        .map((p) => `${p.name}:${p.default}`)
        .sort(),
      cqs: (await ingest.influx.showContinousQueries('cityedge')).map((c) => c.name).sort(),
    });
    const before = await names();
    expect(before.rps).toEqual(['autogen:false', 'raw:true', 'rollup_15m:false', 'rollup_1m:false']);
    expect(before.cqs).toEqual(
      continuousQueries('cityedge')
        .map((c) => c.name)
        .sort(),
    );
    expect(before.cqs).toHaveLength(6);
    await ensureSchema(ingest.influx, 'cityedge', { raw: '30d', rollup: '730d' });
    expect(await names()).toEqual(before);
  });
});

describe('live state', () => {
  it('returns the latest retained state per device', async () => {
    const m = lotMessage('campus', 'north', Date.now(), 42);
    await dev.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
    const r = await get('/api/live?site=campus');
    const devices = (
      r.body as {
        devices: { device: string; state: Record<string, { data: { occupiedSpotNumber: number } }> }[];
      }
    ).devices;
    expect(devices.map((d) => d.device)).toEqual(['north']);
    expect(devices[0]!.state.parkingLot?.data.occupiedSpotNumber).toBe(42);
  });

  it("keeps each camera's retained last frame apart", async () => {
    for (const camera of ['cam-entry', 'cam-exit']) {
      const m = buildMessage(
        'cameraFrame',
        { site: 'campus', device: 'north', camera },
        {
          camera,
          plate: 'AB12CD',
          confidence: 0.9,
          box: [1, 2, 3, 4],
          frameSize: [640, 480],
          thumbnail: `/9j/${camera}`,
        },
        { ts: Date.now() },
      );
      await dev.publishAsync(m.topic, m.payload, { qos: 1, retain: true });
    }
    const r = await get('/api/live?site=campus&device=north');
    const state = (r.body as { devices: { state: Record<string, { data: { thumbnail: string } }> }[] })
      .devices[0]!.state;
    expect(state['cameraFrame/cam-entry']?.data.thumbnail).toBe('/9j/cam-entry');
    expect(state['cameraFrame/cam-exit']?.data.thumbnail).toBe('/9j/cam-exit');
  });
});
