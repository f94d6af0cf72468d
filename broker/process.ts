/** Runs `cityedge broker` as a separate OS process (cluster tests, benches). */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrokerConfigInput } from './config.ts';

export interface BrokerProcess {
  child: ChildProcess;
  mqttPort: number;
  httpPort: number;
  /** The last 4 kB the process wrote to stderr (crash diagnostics). */
  stderr(): string;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');

export async function spawnBroker(
  config: BrokerConfigInput & { mqttPort: number; httpPort: number; dataDir: string },
): Promise<BrokerProcess> {
  const file = join(config.dataDir, 'broker-config.json');
  await writeFile(file, JSON.stringify({ logLevel: 'warn', host: '127.0.0.1', ...config }));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'cli/index.ts'), 'broker', '--config', file],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${config.httpPort}/api/health`).catch(() => null);
    if (res?.ok) break;
    if (child.exitCode !== null) throw new Error(`broker process exited: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`broker process not healthy in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    mqttPort: config.mqttPort,
    httpPort: config.httpPort,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
