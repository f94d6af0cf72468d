/**
 * The edge path for scenarios that break the agent or its serial line: a socat pty pair (the
 * RS-485 adapter), a sensor gateway writing bay-sensor frames into it, the REAL edge agent as its
 * own OS process (`bin/cityedge.js edge`, as systemd runs it), the real broker with ingest into
 * Debian InfluxDB, and a viewer subscribed to what the broker accepted.
 *
 * Every frame is a heartbeat whose `seq` is the frame's number: the agent forwards it as the
 * reading's `raw` field, so each stage (agent outbox, broker, InfluxDB) can be asked which frames
 * it holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { SerialPort } from 'serialport';
import { stringify } from 'yaml';
import { connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { encodeFrame, FrameParser } from '../../core/ports/serial-frames.ts';
import { watchChild } from '../../simulators/infra/processes.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';

const repo = resolve(import.meta.dirname, '../..');
const LOT = join(repo, 'controllers/parking/examples/campus-lot.yaml');
const REGISTRY = join(repo, 'controllers/parking/examples/registry.yaml');
/** Bays on the campus lot's bus: addresses 1..BAYS. */
const BAYS = 40;
const BAUD = 115_200;

/** Frame `seq` as bytes: a heartbeat from bay sensor 1 + seq % 40 (seq is uint16 on the wire). */
export function frame(seq: number): Buffer {
  if (seq > 0xffff) throw new Error(`E_FRAME_SEQ: ${seq} does not fit the heartbeat's uint16 seq`);
  return encodeFrame({ type: 'heartbeat', sensorId: 1 + (seq % BAYS), seq, uptimeS: seq });
}

export interface Stack {
  influxPort: number;
  broker: TestBroker;
  /** `raw` of every heartbeat reading the broker forwarded, in arrival order (duplicates kept). */
  received: number[];
  /** Arrival time (epoch ms) of the first forward of each raw. */
  firstSeenAt: Map<number, number>;
  /** Retained `online` births the agent published (one per start or reconnect). */
  births: number;
  /** The agent's latest health telemetry (`data` of the envelope) and when it arrived. */
  health: { at: number; data: HealthData } | null;
  creds: { username: string; password: string };
  close(): Promise<void>;
}

export async function startStack(dir: string, site: string, device: string): Promise<Stack> {
  const influxPort = await freePort();
  mkdirSync(join(dir, 'influxdb'), { recursive: true });
  const influxd: RunningServer = await startInfluxd({ port: influxPort, dir: join(dir, 'influxdb') });
  let broker: TestBroker | null = null;
  let viewer: MqttClient | null = null;
  try {
    broker = await startTestBroker({
      influx: { url: `http://127.0.0.1:${influxPort}`, flushMs: 200 },
      dataDir: join(dir, 'broker'),
    });
    const creds = await broker.addDevice(site, device);
    const token = await broker.login('watcher', await broker.addUser('watcher', 'viewer'));
    viewer = await connectMqtt(`ws://127.0.0.1:${broker.httpPort}/mqtt`, {
      username: 'watcher',
      password: token,
    });
    const received: number[] = [];
    const firstSeenAt = new Map<number, number>();
    const statusTopic = `cityedge/v1/${site}/${device}/status`;
    const healthTopic = `cityedge/v1/${site}/${device}/health`;
    let births = 0;
    let health: Stack['health'] = null;
    viewer.on('message', (topic, payload) => {
      if (topic === statusTopic) {
        if (payload.toString().includes('"online"')) births++;
        return;
      }
      if (topic === healthTopic) {
        health = { at: Date.now(), data: (JSON.parse(payload.toString()) as { data: HealthData }).data };
        return;
      }
      const raw = heartbeatRaw(payload.toString());
      if (raw === null) return;
      received.push(raw);
      if (!firstSeenAt.has(raw)) firstSeenAt.set(raw, Date.now());
    });
    await viewer.subscribeAsync([`cityedge/v1/${site}/${device}/sensor/+`, statusTopic, healthTopic], {
      qos: 1,
    });
    const b = broker;
    const v = viewer;
    return {
      influxPort,
      broker: b,
      received,
      firstSeenAt,
      get births() {
        return births;
      },
      get health() {
        return health;
      },
      creds,
      close: async () => {
        v.end(true);
        await b.close();
        await influxd.stop();
      },
    };
  } catch (e) {
    viewer?.end(true);
    await broker?.close();
    await influxd.stop();
    throw e;
  }
}

/** The parts of the agent's health payload the scenarios read (core/contract health schema). */
export interface HealthData {
  serial: { state: string; reconnects: number; badFrames: number } | null;
  queueDepth: number;
}

function heartbeatRaw(payload: string): number | null {
  try {
    const p = JSON.parse(payload) as { data?: { kind?: string; raw?: unknown } };
    return p.data?.kind === 'heartbeat' && typeof p.data.raw === 'number' ? p.data.raw : null;
  } catch {
    return null;
  }
}

/** Writes the agent's site YAML: the campus lot, serial on `serialPath`, no LPR, outbox in `dir`. */
export function writeAgentConfig(
  dir: string,
  o: {
    site: string;
    device: string;
    mqttPort: number;
    creds: { username: string; password: string };
    serialPath: string;
  },
): { configPath: string; outboxPath: string } {
  const outboxPath = join(dir, 'outbox.db');
  const configPath = join(dir, 'edge.yaml');
  writeFileSync(
    configPath,
    stringify({
      site: o.site,
      device: o.device,
      hardware: { profile: 'simulated', serial: { path: o.serialPath, baudRate: BAUD }, debounceMs: 0 },
      mqtt: {
        url: `mqtt://127.0.0.1:${o.mqttPort}`,
        username: o.creds.username,
        password: o.creds.password,
        reconnectPeriodMs: 300,
      },
      queue: { path: outboxPath },
      health: { intervalS: 5 },
      parking: { lot: LOT, registry: REGISTRY, lpr: false, ocrWorkers: 0 },
      log: { level: 'warn' },
    }),
  );
  return { configPath, outboxPath };
}

export interface AgentProcess {
  child: ChildProcess;
  /** Last 4 kB of stdout+stderr (JSON logs), for diagnostics. */
  output(): string;
  /** SIGKILL, like a power cut or the OOM killer: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM: the agent's clean stop (queue committed, retained `offline`). */
  stop(): Promise<void>;
}

/** Starts `cityedge edge --config FILE` as its own process, the way systemd does on the Pi. */
export function spawnAgent(configPath: string): AgentProcess {
  const child = spawn(process.execPath, [join(repo, 'bin/cityedge.js'), 'edge', '--config', configPath], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, signal } = watchChild(child, 10_000);
  return { child, output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/** `raw` of every heartbeat reading still in the agent's outbox file (committed, not yet PUBACKed). */
export function outboxRaws(outboxPath: string): number[] {
  if (!existsSync(outboxPath)) return [];
  const db = new Database(outboxPath);
  try {
    const rows = db.prepare("SELECT payload FROM outbox WHERE topic LIKE '%/sensor/%'").all() as {
      payload: string;
    }[];
    return rows.map((r) => heartbeatRaw(r.payload)).filter((r): r is number => r !== null);
  } finally {
    db.close();
  }
}

/** The sensor gateway's end of the line. Writes fail (and are counted by the caller) while unplugged. */
export interface Gateway {
  write(bytes: Buffer): Promise<boolean>;
  close(): Promise<void>;
}

export async function openGateway(path: string): Promise<Gateway> {
  const port = new SerialPort({ path, baudRate: BAUD, autoOpen: false });
  // Right after socat (re)starts, opening its pty can fail with EIO for a moment (seen under load
  // in CI). Nothing is sent before the gateway is open, so retrying changes no count.
  for (let attempt = 1; ; attempt++) {
    const err = await new Promise<Error | null>((res) => port.open((e) => res(e ?? null)));
    if (!err) break;
    if (attempt >= 40) throw err;
    await new Promise((r) => setTimeout(r, 50));
  }
  port.on('error', () => {}); // the pty vanishes with socat on unplug; writes report it
  port.on('data', () => {}); // the agent sends nothing we need; keep the stream flowing
  return {
    write: (bytes) =>
      new Promise<boolean>((res) => {
        if (!port.isOpen) return res(false);
        port.write(bytes, (e) => (e ? res(false) : port.drain((d) => res(!d))));
      }),
    // Bounded: closing a pty whose other side just vanished can wait forever on a pending write.
    close: () =>
      new Promise<void>((res) => {
        if (!port.isOpen) return res();
        const timer = setTimeout(res, 2_000);
        port.close(() => {
          clearTimeout(timer);
          res();
        });
      }),
  };
}

/**
 * Waits until `check` holds while the agent process runs (an agent that exits fails at once).
 * The agent opens its serial port before it connects, so its `online` birth means it is reading.
 */
export async function whileAgentRuns(
  agent: AgentProcess,
  check: () => boolean,
  what: string,
  timeoutMs = 60_000,
) {
  await waitFor(
    () => {
      if (agent.child.exitCode !== null || agent.child.signalCode !== null)
        throw new Error(`E_AGENT_EXITED: ${agent.output()}`);
      return check();
    },
    timeoutMs,
    what,
  );
}

/**
 * The bay sensors' traffic: frames numbered 0, 1, 2 … generated at `rate` per second (by elapsed
 * time, so a loaded box's late timers do not thin the stream) and written to whatever gateway is
 * plugged in. A frame generated while no gateway is plugged in is recorded as sent, undeliverable.
 */
export class Feeder {
  /** Epoch ms each frame was generated (index = seq). */
  readonly sentAt: number[] = [];
  /** Frames generated while the line was unplugged, or whose write failed. */
  readonly undeliverable = new Set<number>();
  readonly startedAt = Date.now();
  private rate: number;
  private credit = 0;
  private last = Date.now();
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<unknown> = Promise.resolve();

  /**
   * `garbage(seq)`, when given, is written on the line just before frame `seq` (the serial-fuzz
   * scenario's noise); it is not counted as sent.
   */
  constructor(
    private gateway: Gateway | null,
    ratePerS: number,
    private readonly garbage?: (seq: number) => Buffer,
  ) {
    this.rate = ratePerS;
    this.timer = setInterval(() => this.tick(), 10);
  }

  get sent(): number {
    return this.sentAt.length;
  }

  setRate(perS: number): void {
    this.tick();
    this.rate = perS;
  }

  plug(g: Gateway | null): void {
    this.gateway = g;
  }

  /** Stops generating and waits for the last write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }

  private tick(): void {
    const now = Date.now();
    this.credit += ((now - this.last) * this.rate) / 1000;
    this.last = now;
    const k = Math.floor(this.credit);
    if (k <= 0) return;
    this.credit -= k;
    const first = this.sentAt.length;
    for (let i = 0; i < k; i++) this.sentAt.push(now);
    const g = this.gateway;
    if (!g) {
      for (let s = first; s < first + k; s++) this.undeliverable.add(s);
      return;
    }
    const g0 = this.garbage;
    const bytes = Buffer.concat(
      Array.from({ length: k }, (_, i) => {
        const f = frame(first + i);
        return g0 ? Buffer.concat([g0(first + i), f]) : f;
      }),
    );
    // Writes are chained so frames stay in order even when one write waits on a full pty buffer.
    this.writing = this.writing.then(async () => {
      if (!(await g.write(bytes))) for (let s = first; s < first + k; s++) this.undeliverable.add(s);
    });
  }
}

/**
 * Reads, without any agent, what is still waiting on the agent's end of the line (kernel pty
 * buffer, socat), until a frame numbered `untilSeq` or later shows up: those frames had not been
 * read by the agent when it died. Non-blocking reads, so nothing is left reading when the next
 * agent opens the port (which would discard this backlog anyway: serialport flushes on open).
 */
export async function drainLine(
  devicePath: string,
  untilSeq: number,
  timeoutMs = 5_000,
): Promise<Set<number>> {
  const fd = openSync(devicePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  const parser = new FrameParser();
  const seen = new Set<number>();
  const buf = Buffer.alloc(65_536);
  const deadline = Date.now() + timeoutMs;
  try {
    for (let done = false; !done && Date.now() < deadline; ) {
      let n = 0;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      for (const m of parser.push(buf.subarray(0, n)).messages) {
        if (m.type !== 'heartbeat') continue;
        seen.add(m.seq);
        if (m.seq >= untilSeq) done = true;
      }
      if (n === 0) await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    closeSync(fd);
  }
  return seen;
}
