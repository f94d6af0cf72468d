/**
 * City-scale run: `sim city` devices at their real message rates through
 *  (a) two aedes broker processes sharing Redis (sessions, fan-out) and PostgreSQL (one registry),
 *      both ingesting into one InfluxDB — half the devices on each node, the monitor on node B
 *      subscribed to node A's devices (cross-node delivery);
 *  (b) Debian mosquitto with two ingest-only worker processes on one `$share` group.
 * Prints msgs/s held, publish → subscriber latency, per-process CPU and peak RSS, and
 * lost/duplicated = device-acknowledged vs ingested. Full size: 2,000 intersections + 200 car
 * parks; `--intersections/--lots/--duration` shrink it.
 *   npx tsx bench/city.bench.ts [--intersections 2000] [--lots 200] [--duration 30] [--mode both]
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../broker/auth/passwords.ts';
import { openPostgresStore } from '../broker/db/postgres.ts';
import { type BrokerProcess, spawnBroker } from '../broker/process.ts';
import { cityDevices, type CitySimStats, runCitySim } from '../simulators/city/run.ts';
import { freePort, startInfluxd, startMosquitto, startPostgres, startRedis } from '../testing/servers.ts';
import { type BenchRow, startBenchRecord } from './report.ts';

const { values: args } = parseArgs({
  options: {
    intersections: { type: 'string', default: '2000' },
    lots: { type: 'string', default: '200' },
    duration: { type: 'string', default: '30' },
    mode: { type: 'string', default: 'both' },
  },
});
const INTERSECTIONS = Number(args.intersections);
const LOTS = Number(args.lots);
const DURATION = Number(args.duration);
const COMMAND = `npx tsx bench/city.bench.ts --intersections ${INTERSECTIONS} --lots ${LOTS} --duration ${DURATION}`;
const ADMIN = { username: 'admin', password: 'admin-password-1' };
const SECRET = 'city-bench-secret-0123456789';
const PASSWORD = 'sim-password';
const half = (n: number, i: number) => (i === 0 ? Math.ceil(n / 2) : Math.floor(n / 2));

interface ProcSample {
  cpuS: number;
  hwmMiB: number;
}
function sample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS: ticks / 100, hwmMiB: Number(hwm) / 1024 };
}

async function counters(httpPort: number): Promise<Record<string, number>> {
  const base = `http://127.0.0.1:${httpPort}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', body: JSON.stringify(ADMIN) });
  const { token } = (await login.json()) as { token: string };
  const r = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return ((await r.json()) as { counters: Record<string, number> }).counters;
}

async function waitIngested(nodes: BrokerProcess[], want: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let got = 0;
  for (;;) {
    got = 0;
    for (const n of nodes) got += (await counters(n.httpPort))['ingest.messages'] ?? 0;
    if (got >= want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface RunResult {
  mode: string;
  sims: CitySimStats[];
  ingested: number;
  procs: { name: string; cpuPct: number; hwmMiB: number }[];
  seconds: number;
}

function sum(sims: CitySimStats[], k: 'sent' | 'acked' | 'errors' | 'received'): number {
  return sims.reduce((s, x) => s + x[k], 0);
}

async function clusterRun(dir: string, kill: boolean): Promise<RunResult> {
  const [pg, redis, influxPort] = await Promise.all([startPostgres(), startRedis(), freePort()]);
  const influx = await startInfluxd({ port: influxPort });
  const nodes: BrokerProcess[] = [];
  try {
    // One registry: the devices are provisioned once, in PostgreSQL, and log in on either node.
    const store = await openPostgresStore({ url: pg.url });
    const hash = await hashPassword(PASSWORD);
    for (const [i, site] of ['city-a', 'city-b'].entries()) {
      for (const d of cityDevices(site, half(LOTS, i), half(INTERSECTIONS, i))) {
        await store.accounts.createDevice(d.site, d.device, d.kind, hash);
      }
    }
    await store.close();
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, `node-${name}`), { recursive: true });
      nodes.push(
        await spawnBroker({
          mqttPort: await freePort(),
          httpPort: await freePort(),
          dataDir: join(dir, `node-${name}`),
          nodeId: `node-${name}`,
          jwtSecret: SECRET,
          admin: ADMIN,
          redis: { host: '127.0.0.1', port: redis.port },
          postgres: { url: pg.url, poolMax: 5 },
          influx: { url: `http://127.0.0.1:${influxPort}` },
          limits: { maxPayloadBytes: 256 * 1024, maxConnections: 20_000, ratePerS: 200, burst: 1000 },
        }),
      );
    }
    const token = await (
      await fetch(`http://127.0.0.1:${nodes[1]!.httpPort}/api/login`, {
        method: 'POST',
        body: JSON.stringify(ADMIN),
      })
    ).json();
    const before = nodes.map((n) => sample(n.child.pid!));
    const t0 = Date.now();
    // Failover run: node a is SIGKILLed half-way; its devices rotate to node b. What a had
    // ingested is read every 0.5 s until then (so "lost" below is an upper bound).
    let aIngested = 0;
    let aLast: ProcSample | undefined;
    let killAt = 0;
    const poll = setInterval(() => {
      if (killAt) return;
      void counters(nodes[0]!.httpPort)
        .then((c) => {
          if (!killAt) aIngested = c['ingest.messages'] ?? 0;
        })
        .catch(() => undefined);
    }, 500);
    const killer = kill
      ? setTimeout(
          () => {
            aLast = sample(nodes[0]!.child.pid!);
            killAt = Date.now();
            nodes[0]!.child.kill('SIGKILL');
          },
          (DURATION * 1000) / 2,
        )
      : undefined;
    const sims = await Promise.all(
      nodes.map((n, i) =>
        runCitySim({
          url: `mqtt://127.0.0.1:${n.mqttPort}`,
          failover: (i === 0 ? nodes : [...nodes].reverse()).map((x) => `mqtt://127.0.0.1:${x.mqttPort}`),
          site: i === 0 ? 'city-a' : 'city-b',
          lots: half(LOTS, i),
          intersections: half(INTERSECTIONS, i),
          durationS: DURATION,
          password: PASSWORD,
          ...(i === 0
            ? {
                monitor: {
                  url: `mqtt://127.0.0.1:${nodes[1]!.mqttPort}`,
                  username: ADMIN.username,
                  password: (token as { token: string }).token,
                  filter: 'cityedge/v1/city-a/#',
                },
              }
            : {}),
        }),
      ),
    );
    clearInterval(poll);
    clearTimeout(killer);
    const seconds = (Date.now() - t0) / 1000;
    const after = nodes.map((n, i) => (i === 0 && aLast ? aLast : sample(n.child.pid!)));
    const ingested = kill
      ? aIngested + (await waitIngested([nodes[1]!], sum(sims, 'sent') - aIngested))
      : await waitIngested(nodes, sum(sims, 'sent'));
    if (kill) {
      const a = sims[0]!;
      console.log(
        `\nnode a killed at ${((killAt - t0) / 1000).toFixed(1)} s: ${a.reconnects} reconnects of its ${a.devices} devices to node b, the last ${((a.lastReconnectAt - killAt) / 1000).toFixed(1)} s after the kill`,
      );
    }
    return {
      mode: kill
        ? 'two aedes nodes + Redis + PostgreSQL + InfluxDB, node a killed half-way'
        : 'two aedes nodes + Redis + PostgreSQL + InfluxDB',
      sims,
      ingested,
      seconds,
      procs: nodes.map((_, i) => ({
        name: `broker node ${i === 0 ? 'a' : 'b'}`,
        cpuPct: ((after[i]!.cpuS - before[i]!.cpuS) / seconds) * 100,
        hwmMiB: after[i]!.hwmMiB,
      })),
    };
  } finally {
    for (const n of nodes) await n.stop();
    await Promise.all([pg.stop(), redis.stop(), influx.stop()]);
  }
}

async function externalRun(dir: string): Promise<RunResult> {
  const [mosq, influxPort] = await Promise.all([startMosquitto(), freePort()]);
  const influx = await startInfluxd({ port: influxPort });
  const workers: BrokerProcess[] = [];
  try {
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, `worker-${name}`), { recursive: true });
      workers.push(
        await spawnBroker({
          mqttPort: await freePort(),
          httpPort: await freePort(),
          dataDir: join(dir, `worker-${name}`),
          nodeId: `worker-${name}`,
          jwtSecret: SECRET,
          admin: ADMIN,
          influx: { url: `http://127.0.0.1:${influxPort}` },
          external: { url: `mqtt://127.0.0.1:${mosq.port}`, clientId: `ingest-${name}` },
        }),
      );
    }
    const before = [...workers.map((w) => sample(w.child.pid!)), sample(mosq.process.pid!)];
    const t0 = Date.now();
    const sims = await Promise.all(
      [0, 1].map((i) =>
        runCitySim({
          url: `mqtt://127.0.0.1:${mosq.port}`,
          site: i === 0 ? 'city-a' : 'city-b',
          lots: half(LOTS, i),
          intersections: half(INTERSECTIONS, i),
          durationS: DURATION,
          password: PASSWORD,
          ...(i === 0
            ? { monitor: { url: `mqtt://127.0.0.1:${mosq.port}`, filter: 'cityedge/v1/city-a/#' } }
            : {}),
        }),
      ),
    );
    const seconds = (Date.now() - t0) / 1000;
    const after = [...workers.map((w) => sample(w.child.pid!)), sample(mosq.process.pid!)];
    const ingested = await waitIngested(workers, sum(sims, 'sent'));
    return {
      mode: 'mosquitto + two ingest-only workers ($share) + InfluxDB',
      sims,
      ingested,
      seconds,
      procs: ['ingest worker a', 'ingest worker b', 'mosquitto'].map((name, i) => ({
        name,
        cpuPct: ((after[i]!.cpuS - before[i]!.cpuS) / seconds) * 100,
        hwmMiB: after[i]!.hwmMiB,
      })),
    };
  } finally {
    for (const w of workers) await w.stop();
    await Promise.all([mosq.stop(), influx.stop()]);
  }
}

function report(r: RunResult): BenchRow[] {
  const sent = sum(r.sims, 'sent');
  const acked = sum(r.sims, 'acked');
  const errors = sum(r.sims, 'errors');
  const offered = r.sims[0]!.devices + r.sims[1]!.devices;
  const monitor = r.sims[0]!;
  // Every message a device handed to its client counts (QoS 0 SPaT has no acknowledgement, and
  // QoS 1 acks still in flight at the end are not losses): ingested must equal sent.
  const lost = Math.max(0, sent - r.ingested);
  const dup = Math.max(0, r.ingested - sent);
  console.log(
    `\n== ${r.mode}: ${offered} devices, ${DURATION} s, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `sent ${sent} (${(sent / DURATION).toFixed(0)} msgs/s), acked ${acked}, errors ${errors}, ingested ${r.ingested}, lost ${lost}, duplicated ${dup}`,
  );
  console.log(
    `monitor (${monitor.received} received): publish → subscriber p50 ${monitor.latencyMs.p50} ms, p99 ${monitor.latencyMs.p99} ms, max ${monitor.latencyMs.max} ms; devices connected in ${Math.max(...r.sims.map((s) => s.connectS)).toFixed(1)} s`,
  );
  for (const p of r.procs)
    console.log(`${p.name}: CPU ${p.cpuPct.toFixed(0)} % of one core, peak RSS ${p.hwmMiB.toFixed(0)} MiB`);
  const cmd = `${COMMAND} --mode ${r.mode.includes('killed') ? 'failover' : r.mode.startsWith('two') ? 'cluster' : 'external'}`;
  return [
    {
      metric: `${r.mode}: msgs/s held (${offered} devices)`,
      target: 'real rates of 2,000 intersections + 200 car parks',
      value: `${(acked / DURATION).toFixed(0)} msgs/s acknowledged of ${(sent / DURATION).toFixed(0)} offered`,
      peer: '',
      met: null,
      command: cmd,
    },
    {
      metric: `${r.mode}: lost / duplicated (sent vs ingested)`,
      target: '0 / 0',
      value: `${lost} / ${dup}`,
      peer: '',
      met: lost === 0 && dup === 0,
      command: cmd,
    },
    {
      metric: `${r.mode}: publish → subscriber p99`,
      target: '',
      value: `${monitor.latencyMs.p99} ms (p50 ${monitor.latencyMs.p50})`,
      peer: '',
      met: null,
      command: cmd,
    },
    ...r.procs.map((p) => ({
      metric: `${r.mode}: ${p.name} CPU / peak RSS`,
      target: '',
      value: `${p.cpuPct.toFixed(0)} % of a core / ${p.hwmMiB.toFixed(0)} MiB`,
      peer: '',
      met: null,
      command: cmd,
    })),
  ];
}

const record = startBenchRecord('city');
const dir = await mkdtemp(join(tmpdir(), 'cityedge-city-bench-'));
const rows: BenchRow[] = [];
try {
  // --mode both | cluster | external | failover | all
  if (['both', 'cluster', 'all'].includes(args.mode!)) rows.push(...report(await clusterRun(dir, false)));
  if (['failover', 'all'].includes(args.mode!)) rows.push(...report(await clusterRun(dir, true)));
  if (['both', 'external', 'all'].includes(args.mode!)) rows.push(...report(await externalRun(dir)));
} finally {
  await rm(dir, { recursive: true, force: true });
}
record.save(rows, [`2-core VM shared with six other helpers; load ${loadavg()[0]?.toFixed(1)} at the end`]);
