/**
 * A latency monitor in its own process, like a dashboard in a browser: subscribes (e.g. over
 * WebSocket), and after `durationS` prints one JSON line `{received, latencyMs}` measured from each
 * envelope's device timestamp. Keeping it out of the load generator's event loop keeps the
 * generator's own lag out of the figure.
 *
 *   node --import tsx simulators/city/monitor.ts URL USERNAME PASSWORD FILTER DURATION_S
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { type Percentiles, percentiles } from './stats.ts';

export async function monitorLatency(
  url: string,
  creds: { username?: string; password?: string },
  filter: string,
  durationS: number,
): Promise<{ received: number; latencyMs: Percentiles }> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, ...creds });
  const latencies: number[] = [];
  client.on('message', (_t, payload, packet) => {
    if (packet.retain) return;
    const ts = (JSON.parse(payload.toString()) as { ts?: number }).ts;
    if (typeof ts === 'number') latencies.push(Date.now() - ts);
  });
  await client.subscribeAsync(filter, { qos: 0 });
  await new Promise((r) => setTimeout(r, durationS * 1000));
  await client.endAsync(true);
  return { received: latencies.length, latencyMs: percentiles(latencies) };
}

/**
 * Runs this file as its own process and resolves with its result line; `onChild` gets the child
 * so a caller's cleanup can kill it.
 */
export function spawnMonitor(
  url: string,
  creds: { username: string; password: string },
  filter: string,
  durationS: number,
  onChild?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ received: number; latencyMs: Percentiles }> {
  const args = [url, creds.username, creds.password, filter, String(durationS)];
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onChild?.(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`monitor exited ${code}`)),
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, username, password, filter, duration] = process.argv.slice(2);
  if (!url || !filter || !duration) {
    console.error('usage: monitor.ts URL USERNAME PASSWORD FILTER DURATION_S');
    process.exit(2);
  }
  const creds = { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  console.log(JSON.stringify(await monitorLatency(url, creds, filter, Number(duration))));
}
