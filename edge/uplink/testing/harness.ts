/**
 * Test harness for the uplink: an aedes broker child process, a gate proxy and a collecting
 * subscriber. Shared by the uplink integration tests and bench/edge.bench.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort, waitFor } from '../../../testing/servers.ts';

export interface ChildBroker {
  port: number;
  process: ChildProcess;
  /** SIGKILL: a crash, no clean shutdown. */
  kill(): Promise<void>;
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Runs a TypeScript entry point in a child Node with tsx; stdout lines go to `onLine`. */
export function spawnTs(file: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      onLine?.(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  return child;
}

export async function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

export async function startAedesChild(port?: number): Promise<ChildBroker> {
  const p = port ?? (await freePort());
  let ready = false;
  const child = spawnTs(here('./aedes-broker.ts'), [String(p)], (line) => {
    if (line.startsWith('listening')) ready = true;
  });
  await waitFor(() => ready || child.exitCode !== null, 20_000, 'aedes child');
  if (!ready) throw new Error('aedes child exited during start-up');
  return { port: p, process: child, kill: () => killChild(child) };
}

/**
 * TCP proxy in front of the agent's broker address. While closed it drops new connections at
 * once, so after a broker restart the test's subscriber can re-subscribe before the agent is let
 * back in (a broker without persistence forgets subscriptions; this only orders the reconnects,
 * the outage itself is a real broker kill).
 */
export async function gateProxy(target: () => number): Promise<{
  port: number;
  open: boolean;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const state = { open: true };
  const server: Server = createServer((down) => {
    if (!state.open) return void down.destroy();
    const up = createConnection(target(), '127.0.0.1');
    sockets.add(down).add(up);
    const end = () => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    down.pipe(up).pipe(down);
    down.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    get open() {
      return state.open;
    },
    set open(v: boolean) {
      state.open = v;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Collector {
  client: MqttClient;
  /** Payloads in arrival order, per topic filter match. */
  messages: { topic: string; payload: string; retain: boolean }[];
  subscribed: boolean;
  close(): Promise<void>;
}

/** A subscriber that (re)subscribes on every connect and records everything it receives. */
export async function collect(port: number, filter: string, clientId?: string): Promise<Collector> {
  const state: Collector = {
    client: mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 4,
      reconnectPeriod: 50,
      connectTimeout: 2000,
      ...(clientId ? { clientId } : {}),
    }),
    messages: [],
    subscribed: false,
    close: async () => {
      await state.client.endAsync(true);
    },
  };
  state.client.on('message', (topic, payload, packet) => {
    state.messages.push({ topic, payload: payload.toString(), retain: packet.retain });
  });
  state.client.on('close', () => {
    state.subscribed = false;
  });
  state.client.on('connect', () => {
    state.client.subscribe(filter, { qos: 1 }, (e) => {
      if (!e) state.subscribed = true;
    });
  });
  await waitFor(() => state.subscribed, 10_000, `subscription to ${filter}`);
  return state;
}
