/**
 * `cityedge broker --tls-cert … --tls-key … --https-port … --tls-only` as an operator runs it:
 * the real CLI process, its "broker listening" log line, HTTPS answering with a certificate made
 * by openssl for this run, and the plain ports it was given left closed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, makeTestCertificates } from '../testing/servers.ts';

let child: ChildProcess | undefined;
let dir: string | undefined;
let certs: Awaited<ReturnType<typeof makeTestCertificates>> | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await certs?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first JSON log line whose msg is `msg`. */
function logLine(c: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    c.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes(`"msg":"${msg}"`)) continue;
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    c.once('exit', (code) => reject(new Error(`broker exited ${code}: ${buf.slice(-2000)}`)));
  });
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const s = createConnection(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });

it('serves TLS only from the command line flags', { timeout: 60_000 }, async () => {
  certs = await makeTestCertificates('localhost');
  dir = await mkdtemp(join(tmpdir(), 'cityedge-cli-tls-'));
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const args = [
    'broker',
    '--data-dir',
    dir,
    '--mqtt-port',
    String(mqttPort),
    '--http-port',
    String(httpPort),
  ];
  const tls = [
    '--tls-cert',
    certs.certFile,
    '--tls-key',
    certs.keyFile,
    '--tls-port',
    '0',
    '--https-port',
    '0',
  ];
  child = spawn(
    process.execPath,
    [join(import.meta.dirname, '../bin/cityedge.js'), ...args, ...tls, '--tls-only'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const up = await logLine(child, 'broker listening');
  expect(up).toMatchObject({ tlsOnly: true });
  expect(up.mqttPort).toBeUndefined();
  expect(up.httpPort).toBeUndefined();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(up.httpsPort), path: '/api/health', ca: readFileSync(certs!.caFile) },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(200);
  expect(await refused(mqttPort)).toBe('ECONNREFUSED');
  expect(await refused(httpPort)).toBe('ECONNREFUSED');
  expect(await refused(Number(up.tlsPort))).toBe('connected');
});
