/**
 * Real processes the demo city and the simulators launch (InfluxDB, socat pty pairs): each is
 * started on a free loopback port in a temp folder and stopped (with its folder removed) by
 * `stop()`. A missing binary gives an error that names the Debian package to install, never a
 * silent skip. Test-only servers (mosquitto, Redis, certificates) live in `testing/`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
  host: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its temp folder. */
  stop(): Promise<void>;
  /** SIGKILL without cleanup of the folder, to simulate a crash; `stop()` still tidies up. */
  kill(): Promise<void>;
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function requireBinary(bin: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error(
      `${bin} not found: install it with \`apt-get install -y ${debianPackage}\` (or npm run setup:system)`,
    );
  }
  return found;
}

/** Resolves once a TCP connect to host:port succeeds, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, host);
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Launch {
  bin: string;
  pkg: string;
  args: (dir: string, port: number) => string[];
  prepare?: (dir: string, port: number) => Promise<void>;
  ready: (port: number) => Promise<void>;
  port?: number;
  dir?: string;
}

/** A spawned process's output tail, its exit, and a signal that escalates to SIGKILL after `graceMs`. */
export interface WatchedChild {
  output(): string;
  exited: Promise<void>;
  signal(s: NodeJS.Signals): Promise<void>;
}

export function watchChild(child: ChildProcess, graceMs: number): WatchedChild {
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (s: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(s);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { output: () => out, exited, signal };
}

export async function launch(name: string, opts: Launch): Promise<RunningServer> {
  const bin = requireBinary(opts.bin, opts.pkg);
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), `cityedge-${name}-`)));
  const port = opts.port ?? (await freePort());
  await opts.prepare?.(dir, port);
  const child = spawn(bin, opts.args(dir, port), { stdio: ['ignore', 'ignore', 'pipe'] });
  const watched = watchChild(child, 5000);
  const { exited } = watched;
  const stopProcess = watched.signal;
  try {
    await Promise.race([
      opts.ready(port),
      exited.then(() => {
        throw new Error(`${name} exited during start-up: ${watched.output().trim()}`);
      }),
    ]);
  } catch (e) {
    await stopProcess('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    process: child,
    kill: () => stopProcess('SIGKILL'),
    stop: async () => {
      await stopProcess('SIGTERM');
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** InfluxDB 1.x (Debian `influxdb`) with meta/data/wal in a temp folder; HTTP on `port`. */
export async function startInfluxd(opts: { port?: number; dir?: string } = {}): Promise<RunningServer> {
  return launch('influxd', {
    bin: 'influxd',
    pkg: 'influxdb',
    ...opts,
    prepare: async (dir, port) => {
      const rpc = await freePort();
      await writeFile(join(dir, 'influxdb.conf'), influxConfig(dir, port, rpc));
    },
    args: (dir) => ['run', '-config', join(dir, 'influxdb.conf')],
    ready: async (port) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => null);
        if (res?.status === 204) return;
        if (Date.now() > deadline) throw new Error('influxd did not answer /ping in 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  });
}

function influxConfig(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  wal-fsync-delay = "0s"
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "warn"
[continuous_queries]
  run-interval = "1s"
`;
}

export interface PtyPair extends RunningServer {
  /** The device path the agent opens (like /dev/ttyUSB0). */
  devicePath: string;
  /** The other end, where a simulated sensor gateway writes. */
  peerPath: string;
}

/** A `socat` pty pair: two linked virtual serial lines in a temp folder. */
export async function socatPair(
  opts: { dir?: string; devicePath?: string; peerPath?: string } = {},
): Promise<PtyPair> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'cityedge-pty-')));
  const devicePath = opts.devicePath ?? join(dir, 'ttyAgent');
  const peerPath = opts.peerPath ?? join(dir, 'ttySensors');
  const server = await launch('socat', {
    bin: 'socat',
    pkg: 'socat',
    dir,
    port: 0,
    args: () => [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${peerPath}`],
    ready: () => waitFor(() => existsSync(devicePath) && existsSync(peerPath), 5000, 'socat pty links'),
  });
  const stop = async () => {
    await server.stop();
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
  };
  return { ...server, stop, devicePath, peerPath };
}
