/**
 * The real agent (simulated hardware profile) against an in-process aedes broker: the campus lot
 * with its bay-sensor bus on a socat pty, and a T-junction with one head on GPIO load switches.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type PtyPair, socatPair, waitFor } from '../../testing/servers.ts';
import { encodeFrame } from '../../core/ports/serial-frames.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { parseEdgeConfig } from '../config/load.ts';
import { type Agent, startAgent } from './agent.ts';
import { silentLog } from './log.ts';

const root = resolve(import.meta.dirname, '../..');
const site = 'campus';
const device = 'gw-test';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

interface Received {
  topic: string;
  body: { data?: Record<string, unknown> } & Record<string, unknown>;
  retain: boolean;
}

let agent: Agent;
let gpio: SimulatedGpio;
let pty: PtyPair;
let ops: mqtt.MqttClient;
const seen: Received[] = [];
const on = (suffix: string) => seen.filter((m) => m.topic.endsWith(suffix));

beforeAll(async () => {
  const broker = await Aedes.createBroker();
  const server = createServer((s) => broker.handle(s));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise((r) => server.close(r));
  });
  pty = await socatPair();
  cleanups.push(pty.stop);
  const dir = mkdtempSync(join(tmpdir(), 'cityedge-agent-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

  ops = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4 });
  cleanups.push(() => ops.endAsync(true));
  ops.on('message', (topic, payload, packet) => {
    seen.push({ topic, body: JSON.parse(payload.toString()), retain: packet.retain });
  });
  await new Promise((r) => ops.once('connect', r));
  await ops.subscribeAsync(`cityedge/v1/${site}/${device}/#`, { qos: 1 });

  const yaml = `
site: ${site}
device: ${device}
hardware:
  profile: simulated
  serial: { path: ${pty.devicePath}, baudRate: 115200 }
  debounceMs: 0
  simulatorPort: 0
mqtt: { url: "mqtt://127.0.0.1:${port}", reconnectPeriodMs: 300 }
queue: { path: ${join(dir, 'outbox.db')} }
health: { intervalS: 1 }
parking:
  lot: ${root}/controllers/parking/examples/campus-lot.yaml
  registry: ${root}/controllers/parking/examples/registry.yaml
  lpr: false
signals:
  - config: ${root}/controllers/signals/examples/t-junction.yaml
    detectorInputs: { nb-stop: 40 }
    headOutputs: { EB-through: { red: 41, yellow: 42, green: 43 } }
`;
  const cfg = parseEdgeConfig(yaml, {}, dir);
  if (!cfg.ok) throw cfg.error;
  gpio = new SimulatedGpio();
  const started = await startAgent(cfg.value, { gpio, log: silentLog });
  if (!started.ok) throw started.error;
  agent = started.value;
  cleanups.push(() => agent.stop());
  await waitFor(() => agent.uplink.stats().connected, 10_000, 'agent connected');
});

describe('edge agent (simulated profile)', () => {
  it('announces itself and publishes the lot, gates and signal heads', async () => {
    await waitFor(() => on('/status').length > 0, 5_000, 'birth');
    expect(on('/status')[0]?.body.data).toMatchObject({ state: 'online' });
    await waitFor(() => on('/parking/lot').length > 0 && on('/heads').length > 0, 5_000, 'state');
    expect(on('/parking/lot')[0]?.body.data).toMatchObject({ totalSpotNumber: 40 });
    expect(on('/parking/gate/entry-1')[0]?.body.data).toMatchObject({ lane: 'entry-1', direction: 'entry' });
    expect(on('/signals/river-rd-and-mill-ln/heads')[0]?.body.data).toHaveProperty('groups.EB-through');
  });

  it('turns a bay-sensor frame into a reading and a bay status; garbage is counted, not fatal', async () => {
    const fd = openSync(pty.peerPath, 'w');
    cleanups.push(() => closeSync(fd));
    const corrupt = encodeFrame({ type: 'occupancy', sensorId: 2, occupied: true, raw: 5 });
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1); // CRC no longer matches
    writeSync(fd, Buffer.concat([Buffer.from([0x00, 0x13, 0x37]), corrupt]));
    writeSync(fd, encodeFrame({ type: 'occupancy', sensorId: 1, occupied: true, raw: 812 }));
    await waitFor(() => on('/sensor/S-D01').length > 0, 5_000, 'sensor reading');
    expect(on('/sensor/S-D01')[0]?.body.data).toEqual({
      sensor: 'S-D01',
      kind: 'occupancy',
      occupied: true,
      raw: 812,
    });
    // The lot debounces bay changes for 2 s before the bay flips.
    await waitFor(
      () => on('/parking/bay/d01').some((m) => m.body.data?.status === 'occupied'),
      6_000,
      'bay d01',
    );
    await waitFor(
      () => on('/health').some((m) => ((m.body.data?.serial as { badFrames?: number })?.badFrames ?? 0) > 0),
      5_000,
      'bad frames in health',
    );
    const health = on('/health').at(-1)?.body.data;
    expect(health).toMatchObject({ serial: { state: 'up' } });
    expect(health?.queueDepth).toBeTypeOf('number');
  });

  it('drives the barrier relay on an operator gate.open and answers malformed commands', async () => {
    const cmd = (name: string, body: unknown) =>
      ops.publishAsync(`cityedge/v1/${site}/${device}/cmd/${name}`, JSON.stringify(body), { qos: 1 });
    await cmd('gate.open', { transaction: 'op-1', args: { lane: 'entry-1', reason: 'visitor', by: 'ana' } });
    await waitFor(() => on('/cmd/gate.open/response').length > 0, 5_000, 'gate.open response');
    expect(on('/cmd/gate.open/response')[0]?.body).toMatchObject({ status: 'ok', transaction: 'op-1' });
    await waitFor(() => gpio.level(22) === 1, 10_000, 'barrier relay (BCM 22) on');

    await cmd('gate.open', { transaction: 'op-2', args: { lane: 'entry-1' } });
    await cmd('signals.hold', {
      transaction: 'op-3',
      args: { intersection: 'nowhere', phase: 2, by: 'ana' },
    });
    await waitFor(() => seen.filter((m) => m.topic.endsWith('/response')).length >= 3, 5_000, 'responses');
    const byTx = (t: string) =>
      seen.find((m) => m.topic.endsWith('/response') && m.body.transaction === t)?.body;
    expect(byTx('op-2')).toMatchObject({ status: 'error', error: { code: 'CONTRACT_SCHEMA' } });
    expect(byTx('op-3')).toMatchObject({ status: 'error', error: { code: 'UPLINK_UNKNOWN_INTERSECTION' } });
    expect(agent.uplink.commands.stats().rejected).toBe(1);
  });

  it('drives one load-switch lamp at a time and feeds detectors to the controller', async () => {
    const lamps = () => [41, 42, 43].map((l) => gpio.level(l));
    await waitFor(() => lamps().some((l) => l === 1), 10_000, 'a lamp lit');
    // Replay every lamp change in time order: never two aspects of one head lit at once.
    const changes = [41, 42, 43]
      .flatMap((line) => gpio.history(line).map((c) => ({ line, ...c })))
      .sort((a, b) => a.atMs - b.atMs);
    expect(changes.length).toBeGreaterThan(0);
    const level = new Map<number, number>();
    for (const c of changes) {
      level.set(c.line, c.level);
      expect([...level.values()].filter((v) => v === 1).length).toBeLessThanOrEqual(1);
    }
    gpio.drive(40, 1);
    await waitFor(() => on('/hires').length > 0, 5_000, 'hi-res batch');
    const codes = on('/hires').flatMap((m) => (m.body.data?.events as { code: number; ts: number }[]) ?? []);
    expect(codes.length).toBeGreaterThan(0);
    // Timestamps leave the box as wall-clock epoch ms, not monotonic ms.
    expect(Math.abs((codes.at(-1)?.ts ?? 0) - Date.now())).toBeLessThan(60_000);
    gpio.drive(40, 0);
  });

  it('lets an out-of-process simulator drive inputs and read outputs over HTTP', async () => {
    const port = agent.simulatorPort();
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}/gpio`;
    const put = await fetch(`${base}/40`, { method: 'PUT', body: '1' });
    expect(await put.json()).toEqual({ line: 40, level: 1 });
    expect(gpio.level(40)).toBe(1);
    const all = (await (await fetch(base)).json()) as { lines: Record<string, number> };
    expect(all.lines['22']).toBe(gpio.level(22));
    expect((await fetch(`${base}/40`, { method: 'PUT', body: 'high' })).status).toBe(400);
    expect((await fetch(`${base}/99`)).status).toBe(400);
    await fetch(`${base}/40`, { method: 'PUT', body: '0' });
  });
});
