/**
 * Real servers for tests and benchmarks (dev-only: no production file imports `testing/`).
 * The launchers the demo and simulators also need live in `simulators/infra/processes.ts`.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  launch,
  type RunningServer,
  requireBinary,
  waitForPort,
} from '../simulators/infra/processes.ts';

export * from '../simulators/infra/processes.ts';
export * from '../simulators/infra/postgres.ts';

export interface MosquittoOptions {
  port?: number;
  /** username → password; when given, anonymous clients are refused. */
  users?: Record<string, string>;
  tls?: { certFile: string; keyFile: string; caFile?: string; port?: number };
  websocketPort?: number;
}

/** Debian `mosquitto` broker on loopback, optionally with password file and a TLS listener. */
export async function startMosquitto(
  opts: MosquittoOptions = {},
): Promise<RunningServer & { tlsPort?: number }> {
  const tlsPort = opts.tls ? (opts.tls.port ?? (await freePort())) : undefined;
  const server = await launch('mosquitto', {
    bin: 'mosquitto',
    pkg: 'mosquitto',
    ...(opts.port === undefined ? {} : { port: opts.port }),
    prepare: async (dir, port) => {
      // Started as root, mosquitto drops to the `mosquitto` user, which must still read this folder.
      await chmod(dir, 0o755);
      const lines = ['per_listener_settings false', `persistence false`, `log_dest none`];
      lines.push(`listener ${port} 127.0.0.1`);
      if (tlsPort && opts.tls) {
        lines.push(
          `listener ${tlsPort} 127.0.0.1`,
          `certfile ${opts.tls.certFile}`,
          `keyfile ${opts.tls.keyFile}`,
        );
        if (opts.tls.caFile) lines.push(`cafile ${opts.tls.caFile}`);
      }
      if (opts.websocketPort) lines.push(`listener ${opts.websocketPort} 127.0.0.1`, 'protocol websockets');
      if (opts.users) {
        const pw = join(dir, 'passwd');
        await writeFile(pw, '');
        for (const [user, pass] of Object.entries(opts.users)) {
          spawnSync('mosquitto_passwd', ['-b', pw, user, pass]);
        }
        lines.push('allow_anonymous false', `password_file ${pw}`);
      } else {
        lines.push('allow_anonymous true');
      }
      lines.push('max_inflight_messages 0', 'max_queued_messages 100000');
      await writeFile(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
    },
    args: (dir) => ['-c', join(dir, 'mosquitto.conf')],
    ready: (port) => waitForPort(port),
  });
  return tlsPort ? { ...server, tlsPort } : server;
}

/** Debian `redis-server` on loopback without persistence to disk beyond its temp folder. */
export async function startRedis(opts: { port?: number } = {}): Promise<RunningServer> {
  return launch('redis', {
    bin: 'redis-server',
    pkg: 'redis-server',
    ...opts,
    args: (dir, port) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    ready: (port) => waitForPort(port),
  });
}

/** A throwaway CA + server certificate (and a client certificate) for TLS tests, via openssl. */
export async function makeTestCertificates(cn = 'localhost'): Promise<{
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  cleanup: () => Promise<void>;
}> {
  requireBinary('openssl', 'openssl');
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-tls-'));
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  await writeFile(f('san.cnf'), `subjectAltName=DNS:${cn},IP:127.0.0.1\n`);
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=cityedge-test-ca',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
  ]);
  const issue = (name: string, subject: string, ext?: string) => {
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
    ]);
    run([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      f(`${name}.crt`),
      ...(ext ? ['-extfile', ext] : []),
    ]);
  };
  issue('server', `/CN=${cn}`, f('san.cnf'));
  issue('client', '/CN=campus.gw-1');
  return {
    dir,
    caFile: f('ca.crt'),
    certFile: f('server.crt'),
    keyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
