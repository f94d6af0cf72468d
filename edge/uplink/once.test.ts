/**
 * A command runs at most once (issue 16, hole 3, edge side), with the real agent (simulated GPIO)
 * booted again and again on one data dir, against a plain aedes broker that *does* keep retained
 * commands (as any broker would without CityEdge's hooks). Before the fix a retained `gate.open`
 * opened the barrier on every boot and a re-sent transaction ran again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../testing/servers.ts';
import { SimulatedGpio } from '../../core/ports/gpio-simulated.ts';
import { parseEdgeConfig } from '../config/load.ts';
import { type Agent, startAgent } from '../agent/agent.ts';
import { silentLog } from '../agent/log.ts';

const root = resolve(import.meta.dirname, '../..');
const site = 'campus';
const device = 'gw-once';
const CMD = `cityedge/v1/${site}/${device}/cmd/gate.open`;
const BARRIER = 22; // entry-1's barrier relay in the example lot (BCM 22)
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

let port = 0;
let dir = '';
let ops: mqtt.MqttClient;
const answers: { transaction: string; status: string; error?: { code: string } }[] = [];
const answersFor = (t: string) => answers.filter((a) => a.transaction === t);

beforeAll(async () => {
  const broker = await Aedes.createBroker();
  const server = createServer((s) => broker.handle(s));
  port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise((r) => server.close(r));
  });
  dir = mkdtempSync(join(tmpdir(), 'cityedge-once-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // The example lot without its serial bus: only the lanes and their relays are under test.
  const lot = readFileSync(join(root, 'controllers/parking/examples/campus-lot.yaml'), 'utf8').replace(
    /^baySensorBus:.*$/m,
    '',
  );
  writeFileSync(join(dir, 'lot.yaml'), lot);
  ops = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4 });
  cleanups.push(() => ops.endAsync(true));
  ops.on('message', (_t, payload) =>
    answers.push(JSON.parse(payload.toString()) as (typeof answers)[number]),
  );
  await ops.subscribeAsync(`${CMD}/response`, { qos: 1 });
});

/** One boot of the agent on the same data dir; returns it and its barrier's rising edges. */
async function boot(): Promise<{ agent: Agent; opens: () => number }> {
  const yaml = `
site: ${site}
device: ${device}
hardware: { profile: simulated, debounceMs: 0 }
mqtt: { url: "mqtt://127.0.0.1:${port}", reconnectPeriodMs: 300 }
queue: { path: ${join(dir, 'outbox.db')} }
parking:
  lot: ${join(dir, 'lot.yaml')}
  registry: ${root}/controllers/parking/examples/registry.yaml
  lpr: false
`;
  const cfg = parseEdgeConfig(yaml, {}, dir);
  if (!cfg.ok) throw cfg.error;
  const gpio = new SimulatedGpio();
  const started = await startAgent(cfg.value, { gpio, log: silentLog });
  if (!started.ok) throw started.error;
  const agent = started.value;
  cleanups.push(() => agent.stop());
  await waitFor(() => agent.uplink.stats().connected, 10_000, 'agent connected');
  return { agent, opens: () => gpio.history(BARRIER).filter((c) => c.level === 1).length };
}

const gateOpen = (transaction: string) =>
  JSON.stringify({ transaction, args: { lane: 'entry-1', reason: 'visitor', by: 'ana' } });

describe('commands run at most once across agent boots', () => {
  it('never runs a retained gate.open, however often the agent boots', async () => {
    await ops.publishAsync(CMD, gateOpen('ret-1'), { qos: 1, retain: true });
    let executed = 0;
    for (let n = 1; n <= 3; n++) {
      const { agent, opens } = await boot();
      // The retained command arrives with the subscription on every boot and is answered, not run.
      await waitFor(
        () => agent.uplink.commands.stats().retained === 1,
        5_000,
        `boot ${n}: retained delivery`,
      );
      await waitFor(() => answersFor('ret-1').length === n, 5_000, `boot ${n}: answer`);
      executed += opens();
      await agent.stop();
    }
    expect(executed).toBe(0);
    expect(answersFor('ret-1').every((a) => a.error?.code === 'UPLINK_RETAINED_COMMAND')).toBe(true);
    await ops.publishAsync(CMD, '', { qos: 1, retain: true }); // [MQTT-3.3.1-10] clear it
  });

  it('runs a transaction once and answers a re-sent identical one as a duplicate, also after a reboot', async () => {
    const first = await boot();
    await ops.publishAsync(CMD, gateOpen('op-1'), { qos: 1 });
    await waitFor(() => first.opens() === 1 && answersFor('op-1').length === 1, 10_000, 'barrier opened');
    expect(answersFor('op-1')).toMatchObject([{ status: 'ok', transaction: 'op-1' }]);
    await ops.publishAsync(CMD, gateOpen('op-1'), { qos: 1 }); // the same request again, live
    await waitFor(() => answersFor('op-1').length === 2, 5_000, 'duplicate answered');
    await first.agent.stop();

    const second = await boot();
    await ops.publishAsync(CMD, gateOpen('op-1'), { qos: 1 }); // and after a reboot
    await waitFor(() => answersFor('op-1').length === 3, 5_000, 'duplicate after reboot answered');
    expect(
      answersFor('op-1')
        .slice(1)
        .map((a) => a.error?.code),
    ).toEqual(['UPLINK_DUPLICATE_TRANSACTION', 'UPLINK_DUPLICATE_TRANSACTION']);
    expect(second.agent.uplink.commands.stats().duplicates).toBe(1);
    // A new transaction still runs.
    await ops.publishAsync(CMD, gateOpen('op-2'), { qos: 1 });
    await waitFor(() => second.opens() === 1, 10_000, 'op-2 opened the barrier');
    expect(first.opens() + second.opens()).toBe(2);
    await second.agent.stop();
  });
});
