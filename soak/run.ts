/**
 * `npm run soak -- --minutes N [--rate 10] [--out docs/soak] [--no-ocr]`: the demo city (a car
 * park with OCR and an intersection with ambulances, each a REAL edge agent) at `rate` × its normal
 * rate, through the real broker and Debian InfluxDB, each part in its own process. Every 10 s it
 * samples RSS (/proc), event-loop lag p99/max and queue depth of every process into soak.csv; at
 * the end it fits a least-squares line per process and metric (soak/growth.ts has the thresholds),
 * prints the slopes, draws soak.png with Chromium and writes SOAK.md.
 * Exit 1 on growth or when a part died, 2 when the run is too short to judge.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { startInfluxd } from '../simulators/infra/processes.ts';
import { chartHtml, renderPng } from './chart.ts';
import type { ChildInit, FromChild, ToChild } from './child.ts';
import { DEFAULT_THRESHOLDS, decide, type Sample, type Verdict } from './growth.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '15' },
    rate: { type: 'string', default: '10' },
    out: { type: 'string', default: 'docs/soak' },
    'interval-s': { type: 'string', default: '10' },
    'no-ocr': { type: 'boolean', default: false },
  },
});
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const INTERVAL_MS = Number(args['interval-s']) * 1000;
const OUT = resolve(args.out!);
const COMMAND = `npm run soak -- --minutes ${MINUTES} --rate ${RATE}${args['no-ocr'] ? ' --no-ocr' : ''}`;
/** Which device's health telemetry carries each agent process's outbox depth. */
const DEVICE_OF: Record<string, string> = { parking: 'campus/gw-1', intersection: 'downtown/cab-1' };

interface HealthSpan {
  firstTs: number;
  firstWall: number;
  lastTs: number;
  lastWall: number;
}

interface Part {
  name: string;
  child: ChildProcess;
  waiting: Map<number, (m: Extract<FromChild, { type: 'sample' }>) => void>;
}

const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

function forkPart(name: ChildInit['role'], init: Omit<ChildInit, 'role'>, onDeath: (why: string) => void) {
  const child = fork(join(import.meta.dirname, 'child.ts'), [name], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const part: Part = { name, child, waiting: new Map() };
  const ready = new Promise<Extract<FromChild, { type: 'ready' }>>((ok, fail) => {
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') ok(m);
      else if (m.type === 'sample') part.waiting.get(m.id)?.(m);
      else {
        fail(new Error(`${name}: ${m.message}`));
        onDeath(`${name}: ${m.message}`);
      }
    });
    child.once('exit', (code, signal) => {
      fail(new Error(`${name} exited (${code ?? signal}) before it was ready`));
      onDeath(`${name} exited (${code ?? signal})`);
    });
  });
  child.send({ type: 'init', init: { ...init, role: name } } satisfies ToChild);
  return { part, ready };
}

function ask(part: Part, id: number): Promise<Extract<FromChild, { type: 'sample' }> | null> {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      part.waiting.delete(id);
      done(null); // a loop blocked for 5 s answers late: recorded as a gap, and the lag shows it
    }, 5_000);
    part.waiting.set(id, (m) => {
      clearTimeout(timer);
      part.waiting.delete(id);
      done(m);
    });
    part.child.send({ type: 'sample', id } satisfies ToChild);
  });
}

async function api(httpPort: number, path: string, token?: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const fmt = (n: number | null, d = 1) => (n === null ? '' : n.toFixed(d));
const UNIT: Record<Verdict['metric'], string> = { rssMiB: 'MiB', lagP99Ms: 'ms', queue: 'items' };

function verdictTable(verdicts: Verdict[]): string[] {
  return [
    '| process | metric | slope per hour | limit per hour | fitted samples | verdict |',
    '|---|---|---|---|---|---|',
    ...verdicts.map(
      (v) =>
        `| ${v.process} | ${v.metric} | ${v.perHour >= 0 ? '+' : ''}${v.perHour.toFixed(2)} ${UNIT[v.metric]} ` +
        `(± ${(2 * v.fit.slopeSe * 3600).toFixed(2)}) | ${v.limitPerHour.toFixed(1)} ${UNIT[v.metric]} | ${v.fit.n} | ` +
        `${v.grows ? '**GROWS**' : 'flat'} |`,
    ),
  ];
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-soak-'));
  mkdirSync(OUT, { recursive: true });
  const csv = join(OUT, 'soak.csv');
  writeFileSync(
    csv,
    't_s,time,process,pid,rss_mib,heap_used_mib,external_mib,lag_p99_ms,lag_max_ms,queue,msgs_in_interval,load1\n',
  );
  const deaths: string[] = [];
  let stopping = false;
  const onDeath = (why: string) => {
    if (!stopping) deaths.push(why);
  };
  const adminPassword = randomBytes(8).toString('hex');
  const operatorPassword = randomBytes(8).toString('hex');
  // Devices run RATE× faster than the wall clock; started this far behind it, their stamps reach
  // wall time only at the end (plus a start-up margin), so the broker's bound on device time ahead
  // of its own (ingest maxFutureS) never refuses valid traffic.
  const startMs = Date.now() - (RATE - 1) * (MINUTES + 2) * 60_000;
  const base = { dir, adminPassword, rate: RATE, startMs, ocr: !args['no-ocr'], operatorPassword };
  const parts: Part[] = [];
  mkdirSync(join(dir, 'influxdb'));
  const influx = await startInfluxd({ dir: join(dir, 'influxdb') });
  let monitor: mqtt.MqttClient | undefined;
  const samples: Sample[] = [];
  const counts = new Map<string, number>();
  const queueOf = new Map<string, number>();
  /** Device clock vs wall clock between an agent's first and last health message: the speed reached. */
  const healthTs = new Map<string, HealthSpan>();
  let metrics: Record<string, number> = {};
  const t0 = Date.now();
  const loads: number[] = [];
  try {
    const b = forkPart('broker', { ...base, influxUrl: `http://127.0.0.1:${influx.port}` }, onDeath);
    parts.push(b.part);
    const { httpPort, mqttPort } = await b.ready;
    const token = String(
      (await api(httpPort!, '/api/login', undefined, { username: 'admin', password: adminPassword })).token,
    );
    await api(httpPort!, '/api/users', token, {
      username: 'operator',
      password: operatorPassword,
      role: 'operator',
    });
    const ports = { httpPort: httpPort!, mqttPort: mqttPort! };
    // The monitor counts every message per device and keeps each agent's latest outbox depth.
    monitor = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      username: 'admin',
      password: token,
      protocolVersion: 4,
    });
    monitor.on('message', (topic, payload) => {
      const [, , site, device, kind] = topic.split('/');
      const key = `${site}/${device}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (kind !== 'health') return;
      try {
        const m = JSON.parse(payload.toString()) as { ts: number; data: { queueDepth: number } };
        queueOf.set(key, m.data.queueDepth);
        const seen = healthTs.get(key);
        healthTs.set(
          key,
          seen
            ? { ...seen, lastTs: m.ts, lastWall: Date.now() }
            : { firstTs: m.ts, firstWall: Date.now(), lastTs: m.ts, lastWall: Date.now() },
        );
      } catch {
        // invalid health payloads are the broker's to dead-letter; the monitor just skips them
      }
    });
    await monitor.subscribeAsync('cityedge/v1/#', { qos: 0 });
    for (const role of ['parking', 'intersection'] as const) {
      const p = forkPart(role, { ...base, ...ports }, onDeath);
      parts.push(p.part);
      await p.ready;
    }
    console.log(
      `soak: ${MINUTES} min at ${RATE}× (${COMMAND}); processes broker ${parts[0]!.child.pid}, parking ${parts[1]!.child.pid}, ` +
        `intersection ${parts[2]!.child.pid}, influxd ${influx.process.pid}; sampling every ${INTERVAL_MS / 1000} s → ${csv}`,
    );
    const tStart = Date.now();
    let id = 0;
    let last = new Map<string, number>();
    while (Date.now() - tStart < MINUTES * 60_000 && deaths.length === 0) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS - ((Date.now() - tStart) % INTERVAL_MS)));
      const tS = Math.round((Date.now() - tStart) / 1000);
      const load1 = loadavg()[0] ?? 0;
      loads.push(load1);
      const answers = await Promise.all(parts.map((p) => ask(p, ++id)));
      const now = new Map(counts);
      const prev = last;
      const delta = (key: string) => (now.get(key) ?? 0) - (prev.get(key) ?? 0);
      const sum = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
      const total = sum(now) - sum(prev);
      last = now;
      const externalOf = new Map(parts.map((p, i) => [p.name, answers[i]?.externalMiB ?? null]));
      const rows: Sample[] = parts.map((p, i) => {
        const a = answers[i];
        const device = DEVICE_OF[p.name];
        return {
          tS,
          process: p.name,
          rssMiB: rss(p.child.pid!),
          lagP99Ms: a?.lagP99Ms ?? null,
          lagMaxMs: a?.lagMaxMs ?? null,
          heapUsedMiB: a?.heapUsedMiB ?? null,
          queue: device ? (queueOf.get(device) ?? null) : (a?.queue ?? null),
        };
      });
      rows.push({
        tS,
        process: 'influxd',
        rssMiB: rss(influx.process.pid!),
        lagP99Ms: null,
        lagMaxMs: null,
        heapUsedMiB: null,
        queue: null,
      });
      for (const r of rows) {
        const pid =
          r.process === 'influxd' ? influx.process.pid : parts.find((p) => p.name === r.process)?.child.pid;
        const msgs = DEVICE_OF[r.process]
          ? delta(DEVICE_OF[r.process]!)
          : r.process === 'broker'
            ? total
            : '';
        appendFileSync(
          csv,
          `${r.tS},${new Date().toISOString()},${r.process},${pid},${fmt(r.rssMiB)},${fmt(r.heapUsedMiB)},${fmt(externalOf.get(r.process) ?? null)},` +
            `${fmt(r.lagP99Ms)},${fmt(r.lagMaxMs)},${r.queue ?? ''},${msgs},${load1.toFixed(2)}\n`,
        );
      }
      samples.push(...rows);
      if (tS % 60 < INTERVAL_MS / 1000)
        console.log(
          `  ${(tS / 60).toFixed(0).padStart(3)} min  load ${load1.toFixed(2)}  ` +
            rows
              .map((r) => `${r.process} ${fmt(r.rssMiB, 0)} MiB lag ${fmt(r.lagP99Ms)} q ${r.queue ?? '-'}`)
              .join(' | '),
        );
    }
    metrics =
      ((await api(httpPort!, '/api/metrics', token)) as { counters?: Record<string, number> }).counters ?? {};
  } finally {
    stopping = true;
    await monitor?.endAsync(true).catch(() => undefined);
    for (const p of [...parts].reverse()) {
      const exited = new Promise((r) => p.child.once('exit', r));
      if (p.child.exitCode === null && p.child.connected) p.child.send({ type: 'stop' } satisfies ToChild);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
    await influx.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return report(samples, deaths, counts, healthTs, metrics, loads, (Date.now() - t0) / 1000);
}

/** The soak's devices send only valid traffic: anything the broker refused is a defect of the run or the broker. */
const refusedValid = (m: Record<string, number>) => (m['ingest.invalid'] ?? 0) + (m['ingest.refused'] ?? 0);

async function report(
  samples: Sample[],
  deaths: string[],
  counts: Map<string, number>,
  healthTs: Map<string, HealthSpan>,
  metrics: Record<string, number>,
  loads: number[],
  wallS: number,
): Promise<number> {
  const decision = decide(samples);
  const verdicts = decision.ok ? decision.value : [];
  const runS = samples.at(-1)?.tS ?? 0;
  const load = loads.length
    ? `${Math.min(...loads).toFixed(2)} / ${(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2)} / ${Math.max(...loads).toFixed(2)}`
    : '—';
  const speed = [...healthTs].map(
    ([k, h]) => `${k} ${((h.lastTs - h.firstTs) / Math.max(1, h.lastWall - h.firstWall)).toFixed(1)}×`,
  );
  const msgs = [...counts].map(([k, n]) => `${k} ${(n / Math.max(1, runS)).toFixed(1)} msgs/s`);
  const heading = `CityEdge soak — ${new Date(Date.now() - wallS * 1000).toISOString().slice(0, 16)}Z, ${(runS / 60).toFixed(1)} min at ${RATE}×, load avg ${load} (min/mean/max), ${cpus().length} cores`;
  const lines = [
    '# Soak run',
    '',
    `<!-- generated by \`${COMMAND}\` (soak/run.ts); do not edit by hand -->`,
    '',
    `${heading}.`,
    '',
    `Command: \`${COMMAND}\`. Samples every ${INTERVAL_MS / 1000} s in [soak.csv](soak.csv), chart [soak.png](soak.png). ` +
      `The first ${DEFAULT_THRESHOLDS.warmupS} s are warm-up and not fitted; thresholds and the decision rule are in soak/growth.ts.`,
    '',
    `Simulated speed reached (device clock ÷ wall clock between first and last health message): ${speed.join(', ') || '—'}. Messages seen by a subscriber: ${msgs.join(', ') || '—'}.`,
    `Broker counters at the end: ${[
      'ingest.messages',
      'ingest.points.written',
      'ingest.invalid',
      'ingest.refused',
      'ingest.write.failures',
      'ingest.points.spooled',
    ]
      .map((k) => `${k} ${metrics[k] ?? 0}`)
      .join(', ')}.`,
    '',
    `Valid traffic refused by the broker (ingest.invalid + ingest.refused; every device here sends only valid messages): **${refusedValid(metrics)}**.`,
    '',
    ...(decision.ok ? verdictTable(verdicts) : [`**${decision.error.code}: ${decision.error.message}**`]),
    ...(deaths.length ? ['', `**Parts that died: ${deaths.join('; ')}**`] : []),
    '',
  ];
  writeFileSync(join(OUT, 'SOAK.md'), lines.join('\n'));
  console.log(`\n${lines.slice(4).join('\n')}`);
  await renderPng(chartHtml(samples, verdicts, heading, DEFAULT_THRESHOLDS.warmupS), join(OUT, 'soak.png'));
  console.log(`wrote ${join(OUT, 'soak.csv')}, soak.png and SOAK.md`);
  if (deaths.length > 0) return 1;
  if (refusedValid(metrics) > 0) return 1;
  if (!decision.ok) return 2;
  return verdicts.some((v) => v.grows) ? 1 : 0;
}

process.exitCode = await main();
