/**
 * Starting SUMO processes: with a TraCI port (the bridge connects to it) or plain (SUMO's own
 * programs for the report). The OS picks free loopback ports; every process is killed on stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { TraciClient } from './traci/client.ts';
import { TraciError } from './traci/errors.ts';

export const DEFAULT_SUMO_HOME = '/usr/share/sumo';

export function sumoEnv(): NodeJS.ProcessEnv {
  return { ...process.env, SUMO_HOME: process.env.SUMO_HOME ?? DEFAULT_SUMO_HOME };
}

/** Asks the OS for a free loopback port (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

export interface SumoProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves with the exit code once SUMO has exited. */
  readonly exited: Promise<number | null>;
  /** Last lines SUMO wrote to stderr, for error messages. */
  stderr(): string;
  kill(): Promise<void>;
}

/** Spawns `sumo <args> --remote-port P --num-clients 1` on a free port. */
export async function spawnSumo(args: readonly string[], port?: number): Promise<SumoProcess> {
  const p = port ?? (await freePort());
  const child = spawn('sumo', [...args, '--remote-port', String(p), '--num-clients', '1'], {
    env: sumoEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errText = '';
  child.stderr?.on('data', (d: Buffer) => {
    errText = (errText + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    child,
    port: p,
    exited,
    stderr: () => errText,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Spawns SUMO and connects; if SUMO dies first, the error carries its stderr. */
export async function launchSumo(
  args: readonly string[],
): Promise<{ sumo: SumoProcess; client: TraciClient }> {
  const sumo = await spawnSumo(args);
  const died = sumo.exited.then((code) => {
    throw new TraciError(
      'TRACI_CONNECT_FAILED',
      `sumo exited (${code}) before accepting TraCI: ${sumo.stderr().trim()}`,
    );
  });
  try {
    const client = await Promise.race([TraciClient.connect({ port: sumo.port, timeoutMs: 20_000 }), died]);
    died.catch(() => undefined);
    return { sumo, client };
  } catch (err) {
    await sumo.kill();
    throw err;
  }
}

/** Runs SUMO to completion without TraCI (its own signal programs). */
export function runSumoPlain(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sumo', [...args], { env: sumoEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let errText = '';
    child.stderr?.on('data', (d: Buffer) => {
      errText = (errText + d.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sumo exited ${code}: ${errText.trim()}`)),
    );
  });
}
