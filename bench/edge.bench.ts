/**
 * `npm run bench:edge` — edge agent figures, each printed next to a peer measured in the same run.
 *
 * 1. Decision latency, GPIO input edge → GPIO output, through the REAL agent wiring (startAgent,
 *    simulated GPIO backend, debounce 0 so the figure is the software path, not the 20 ms contact
 *    debounce): the barrier is closing on lane entry-1 and a car reaches the safety loop (BCM 27);
 *    the barrier relay (BCM 22) must reverse to raise. Measured from `drive(27, 1)` to the relay
 *    line changing. Peer: the parking controller alone (loop() → onOutput callback), no IO.
 *    The agent meanwhile publishes its events through the durable queue to an aedes broker.
 * 2. Durable-queue throughput: N messages enqueued (committed) and then delivered with PUBACK to
 *    aedes through the uplink. Peers: the same messages published directly with mqtt.js (QoS 1, no
 *    queue), and the raw SQLite insert rate (same pragmas, one transaction per 1,000 rows).
 * 3. RSS of the agent process (`cityedge edge --config`, simulated profile) idle without OCR and
 *    with one OCR worker, read from /proc/<pid>/status.
 * Targets: p99 ≤ 5 ms, ≥ 5,000 queued events/s, RSS ≤ 100 MB without OCR.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { createParkingController, parseLotYaml, parseRegistryYaml } from '../controllers/parking/index.ts';
import { buildMessage, type OutgoingMessage } from '../core/contract/index.ts';
import { waitFor } from '../testing/servers.ts';
import { SimulatedGpio } from '../core/ports/gpio-simulated.ts';
import { type Agent, startAgent } from '../edge/agent/agent.ts';
import { silentLog } from '../edge/agent/log.ts';
import type { ParkingFeature } from '../edge/agent/parking/feature.ts';
import { parseEdgeConfig } from '../edge/config/load.ts';
import { buildEdgeAgent } from '../deploy/build.ts';
import { openQueue } from '../edge/queue/durable-queue.ts';
import { killChild, startAedesChild } from '../edge/uplink/testing/harness.ts';
import { createUplink } from '../edge/uplink/uplink.ts';
import { startBenchRecord } from './report.ts';

const root = resolve(import.meta.dirname, '..');
const lotPath = `${root}/controllers/parking/examples/campus-lot.yaml`;
const registryPath = `${root}/controllers/parking/examples/registry.yaml`;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const QUEUE_N = Number(process.env.BENCH_QUEUE_N ?? 20_000);
/** The uplink's in-flight window (config `mqtt.inflightWindow`, default 100). */
const WINDOW = Number(process.env.BENCH_WINDOW ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'cityedge-bench-'));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f = (n: number, d = 3) => n.toFixed(d);
const row = (what: string, value: string, peer: string) =>
  console.log(`  ${what.padEnd(44)} ${value.padEnd(26)} ${peer}`);

function configYaml(port: number, name: string, extra: string): string {
  return `
site: bench
device: ${name}
hardware: { profile: simulated, serial: { path: ${dir}/no-such-tty }, debounceMs: 0 }
mqtt: { url: "mqtt://127.0.0.1:${port}", reconnectPeriodMs: 500 }
queue: { path: ${dir}/${name}.db }
health: { intervalS: 5 }
parking: { lot: ${lotPath}, registry: ${registryPath}${extra} }
log: { level: warn }
`;
}

/** Barrier simulator on lane entry-1: relay 22 up → closed limit 24 off, open limit 23 on. */
function simulateBarrier(gpio: SimulatedGpio): void {
  gpio.drive(24, 1);
  gpio.watch(22, (level) => {
    if (level === 1) {
      gpio.drive(24, 0);
      gpio.drive(23, 1);
    } else gpio.drive(23, 0); // boom moving down; it never reaches closed during the bench
  });
}

/** Resolves as soon as a simulated line has the level (event-driven, no polling delay). */
function until(gpio: SimulatedGpio, line: number, level: 0 | 1): Promise<void> {
  if (gpio.level(line) === level) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`line ${line} never reached ${level}`)), 2_000);
    const off = gpio.watch(line, (l) => {
      if (l !== level) return;
      off();
      clearTimeout(timer);
      resolve();
    });
  });
}

async function decisionLatency(port: number): Promise<number[]> {
  const cfg = parseEdgeConfig(configYaml(port, 'latency', ', lpr: false'), {}, dir);
  if (!cfg.ok) throw cfg.error;
  const gpio = new SimulatedGpio();
  simulateBarrier(gpio);
  const started = await startAgent(cfg.value, { gpio, log: silentLog });
  if (!started.ok) throw started.error;
  const agent: Agent = started.value;
  await waitFor(() => agent.uplink.stats().connected, 10_000, 'agent connected');
  const parking = agent.features.find((x) => x.name === 'parking') as ParkingFeature;
  const op = parking.controller.operator({
    type: 'gate.open',
    laneId: 'entry-1',
    who: 'bench',
    why: 'bench',
  });
  if (!op.ok) throw new Error(`gate.open refused: ${op.error.message}`);
  const lat: number[] = [];
  for (let i = 0; i < SAMPLES + 50; i++) {
    if (i % 200 === 0 && process.env.BENCH_DEBUG) console.log(`  … sample ${i}`);
    // Bring the gate to `closing`: once open, a car crossing the safety loop makes it close.
    await new Promise((r) => setImmediate(r));
    if (gpio.level(22) === 1) {
      await until(gpio, 23, 1);
      await new Promise((r) => setImmediate(r));
      if (gpio.level(22) === 1) {
        gpio.drive(27, 1);
        gpio.drive(27, 0);
      }
      await until(gpio, 22, 0);
    }
    // Closing: the next car reaches the safety loop → measure the reversal.
    const t0 = performance.now();
    const raised = new Promise<number>((r, reject) => {
      const timer = setTimeout(() => reject(new Error(`sample ${i}: barrier did not reverse`)), 2_000);
      const off = gpio.watch(22, (level) => {
        if (level !== 1) return;
        off();
        clearTimeout(timer);
        r(performance.now());
      });
    });
    gpio.drive(27, 1);
    const t1 = await raised;
    if (i >= 50) lat.push(t1 - t0); // first 50: warm-up (JIT)
    gpio.drive(27, 0);
  }
  if (process.env.BENCH_DEBUG) console.log('  … stopping the agent');
  await agent.stop();
  return lat;
}

/**
 * Peer: the same choreography on the parking controller alone (no GPIO, queue or uplink); the
 * barrier is simulated from its outputs, a microtask later, like the simulated relay.
 */
async function controllerAlone(): Promise<number[]> {
  const lot = parseLotYaml(readFileSync(lotPath, 'utf8'));
  const reg = parseRegistryYaml(readFileSync(registryPath, 'utf8'));
  if (!lot.ok || !reg.ok) throw new Error('example lot does not parse');
  const clock = {
    now: Date.now,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>),
  };
  const ctl = createParkingController(lot.value, reg.value, { clock });
  const lane = 'entry-1';
  let raisedAt = Number.NaN;
  ctl.onOutput((o) => {
    if (o.type === 'barrier.raise' && o.laneId === lane) {
      raisedAt = performance.now();
      queueMicrotask(() => {
        ctl.limit(lane, 'closed', false);
        ctl.limit(lane, 'open', true);
      });
    } else if (o.type === 'barrier.lower' && o.laneId === lane) {
      queueMicrotask(() => ctl.limit(lane, 'open', false));
    }
  });
  ctl.start();
  ctl.limit(lane, 'closed', true);
  ctl.operator({ type: 'gate.open', laneId: lane, who: 'bench', why: 'bench' });
  const settle = () => new Promise((r) => setImmediate(r));
  const state = () => ctl.snapshot().gates.find((g) => g.laneId === lane)?.state;
  const lat: number[] = [];
  for (let i = 0; i < SAMPLES + 50; i++) {
    await settle();
    if (state() !== 'closing') {
      ctl.loop(lane, 'safety', true);
      ctl.loop(lane, 'safety', false);
      // The gate may dwell open briefly before it closes (a controller timer, as in the agent run).
      await waitFor(() => state() === 'closing', 3_000, `peer sample ${i}: closing`);
    }
    raisedAt = Number.NaN;
    const t0 = performance.now();
    ctl.loop(lane, 'safety', true);
    if (Number.isNaN(raisedAt)) throw new Error(`peer sample ${i}: no reversal`);
    if (i >= 50) lat.push(raisedAt - t0);
    ctl.loop(lane, 'safety', false);
  }
  ctl.stop();
  return lat;
}

const messages = (n: number, device: string): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) =>
    buildMessage(
      'sensorReading',
      { site: 'bench', device, sensor: `s${i % 40}` },
      { sensor: `s${i % 40}`, kind: 'occupancy', occupied: i % 2 === 0, raw: i },
      { ts: Date.now() },
    ),
  );

async function queueThroughput(port: number) {
  const q = openQueue({ path: join(dir, 'throughput.db') });
  if (!q.ok) throw q.error;
  const queue = q.value;
  const msgs = messages(QUEUE_N, 'q');
  // Enqueue only (broker not yet connected): the durable commit rate.
  let t0 = performance.now();
  for (let i = 0; i < msgs.length; i += 500) {
    await Promise.all(msgs.slice(i, i + 500).map((m) => queue.enqueue(m)));
  }
  const enqueueS = (performance.now() - t0) / 1000;
  // Then drain through the uplink with PUBACKs.
  const uplink = createUplink(
    {
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'bench.q',
      site: 'bench',
      device: 'q',
      inflightWindow: WINDOW,
    },
    queue,
  );
  t0 = performance.now();
  uplink.start();
  await waitFor(() => queue.stats().depth === 0 && uplink.stats().delivered >= QUEUE_N, 120_000, 'drain');
  queue.flush();
  const drainS = (performance.now() - t0) / 1000;
  // Both at once: produce while connected (the steady state).
  const live = messages(QUEUE_N, 'q');
  t0 = performance.now();
  const before = uplink.stats().delivered;
  for (let i = 0; i < live.length; i += 500) {
    await Promise.all(live.slice(i, i + 500).map((m) => queue.enqueue(m)));
  }
  await waitFor(
    () => uplink.stats().delivered - before >= QUEUE_N && queue.stats().depth === 0,
    120_000,
    'live',
  );
  queue.flush();
  const liveS = (performance.now() - t0) / 1000;
  await uplink.stop();
  queue.close();

  // Peer: mqtt.js alone, QoS 1, every publish in flight at once, wait for all PUBACKs.
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, clientId: 'bench.direct' });
  await new Promise((r) => client.once('connect', r));
  const direct = messages(QUEUE_N, 'direct');
  t0 = performance.now();
  await Promise.all(direct.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })));
  const directS = (performance.now() - t0) / 1000;
  await client.endAsync();

  // Peer: raw SQLite inserts, same pragmas, 1,000 rows per transaction.
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, topic TEXT, payload TEXT)');
  const ins = db.prepare('INSERT INTO t (id, topic, payload) VALUES (?, ?, ?)');
  const tx = db.transaction((batch: OutgoingMessage[]) => {
    for (const m of batch) ins.run(m.id, m.topic, m.payload);
  });
  t0 = performance.now();
  for (let i = 0; i < direct.length; i += 1000) tx(direct.slice(i, i + 1000));
  const rawS = (performance.now() - t0) / 1000;
  db.close();
  return { enqueueS, drainS, liveS, directS, rawS };
}

async function agentRss(
  port: number,
  name: string,
  extra: string,
  settleMs: number,
  launcher: string[],
): Promise<number> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, configYaml(port, name, extra));
  const child = spawn(process.execPath, [...launcher, '--config', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await sleep(settleMs);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } finally {
    await killChild(child, 'SIGTERM');
  }
}

async function main() {
  const record = startBenchRecord('edge');
  const command = `BENCH_SAMPLES=${SAMPLES} BENCH_QUEUE_N=${QUEUE_N} npm run bench:edge`;
  const broker = await startAedesChild();
  try {
    console.log(`bench:edge — ${new Date().toISOString()}, node ${process.version}, ${SAMPLES} samples`);
    console.log('\n1. Decision latency: safety loop (GPIO in) → barrier reversal (GPIO out), lane entry-1');
    const agentLat = await decisionLatency(broker.port);
    const aloneLat = await controllerAlone();
    row('', 'agent wiring (p50 / p99 ms)', 'peer: controller alone (p50 / p99 ms)');
    row(
      'GPIO edge → output decision',
      `${f(pct(agentLat, 50))} / ${f(pct(agentLat, 99))}`,
      `${f(pct(aloneLat, 50))} / ${f(pct(aloneLat, 99))}`,
    );
    row('max', f(Math.max(...agentLat)), f(Math.max(...aloneLat)));
    row('target p99 ≤ 5 ms', pct(agentLat, 99) <= 5 ? 'met' : 'NOT met', '');

    console.log(
      `\n2. Durable queue, ${QUEUE_N} sensor readings (WAL, synchronous=FULL, in-flight window ${WINDOW})`,
    );
    const t = await queueThroughput(broker.port);
    const rate = (s: number) => `${Math.round(QUEUE_N / s).toLocaleString('en')} msg/s`;
    row('', 'durable queue', 'peers');
    row('enqueue (committed to disk)', rate(t.enqueueS), `raw SQLite insert: ${rate(t.rawS)}`);
    row(
      'drain backlog to aedes (PUBACK, delete)',
      rate(t.drainS),
      `mqtt.js direct QoS 1: ${rate(t.directS)}`,
    );
    row('enqueue + deliver while connected', rate(t.liveS), '');
    row('target ≥ 5,000 queued events/s', QUEUE_N / t.enqueueS >= 5000 ? 'met' : 'NOT met', '');

    console.log('\n3. Agent RSS (child process, simulated profile, campus lot; VmRSS after settling)');
    // Inside the project so the bundle resolves node_modules like the deployed one does.
    const bundle = await buildEdgeAgent(join(root, 'dist/edge-agent.bench.mjs'));
    // The systemd unit's flags: a 2 MB young generation suits a mostly idle agent on a Pi.
    const prod = ['--max-semi-space-size=2', bundle];
    const prodDefault = [bundle];
    const dev = [join(root, 'bin/cityedge.js'), 'edge'];
    const idle = await agentRss(broker.port, 'rss-idle', ', lpr: false', 5_000, prod);
    const ocr = await agentRss(broker.port, 'rss-ocr', ', lpr: true, ocrWorkers: 1', 12_000, prod);
    const idleDev = await agentRss(broker.port, 'rss-idle-dev', ', lpr: false', 5_000, dev);
    const idleDefault = await agentRss(broker.port, 'rss-idle-default', ', lpr: false', 5_000, prodDefault);
    const bare = await agentRss(broker.port, 'rss-bare', '', 1_500, [
      '-e',
      'setTimeout(() => {}, 60000)',
      '--',
    ]);
    row('', 'bundled, unit flags', 'peers');
    row('idle, no OCR', `${f(idle, 1)} MB`, `tsx launcher (bin/cityedge.js): ${f(idleDev, 1)} MB`);
    row('', '', `bundled, default V8 flags: ${f(idleDefault, 1)} MB`);
    row('with 1 OCR worker', `${f(ocr, 1)} MB`, `bare \`node\` process: ${f(bare, 1)} MB`);
    row('target ≤ 100 MB without OCR (bundled)', idle <= 100 ? 'met' : 'NOT met', '');
    const ms = (xs: number[]) => `p50 ${f(pct(xs, 50), 2)} ms, p99 ${f(pct(xs, 99), 2)} ms`;
    const rate0 = (s: number) => `${Math.round(QUEUE_N / s).toLocaleString('en')}/s`;
    record.save(
      [
        {
          metric: 'GPIO edge → output decision (agent wiring, safety loop → barrier reversal)',
          target: 'p99 ≤ 5 ms',
          value: ms(agentLat),
          peer: `controller alone ${ms(aloneLat)}`,
          met: pct(agentLat, 99) <= 5,
          command,
        },
        {
          metric: `durable queue enqueue, ${QUEUE_N} readings committed (WAL, synchronous=FULL)`,
          target: '≥ 5,000 events/s',
          value: rate0(t.enqueueS),
          peer: `raw SQLite insert ${rate0(t.rawS)}`,
          met: QUEUE_N / t.enqueueS >= 5000,
          command,
        },
        {
          metric: 'durable queue drain to aedes (PUBACK, delete)',
          target: '',
          value: rate0(t.drainS),
          peer: `mqtt.js direct QoS 1 ${rate0(t.directS)}`,
          met: null,
          command,
        },
        {
          metric: 'agent RSS idle, no OCR (bundled, unit flags)',
          target: '≤ 100 MB',
          value: `${f(idle, 1)} MB`,
          peer: `bare node ${f(bare, 1)} MB; tsx launcher ${f(idleDev, 1)} MB; default V8 flags ${f(idleDefault, 1)} MB`,
          met: idle <= 100,
          command,
        },
        {
          metric: 'agent RSS with 1 OCR worker',
          target: '',
          value: `${f(ocr, 1)} MB`,
          peer: `bare node ${f(bare, 1)} MB`,
          met: null,
          command,
        },
      ],
      [`edge: ${SAMPLES} latency samples, ${QUEUE_N} queued messages, in-flight window ${WINDOW}`],
    );
  } finally {
    await broker.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
