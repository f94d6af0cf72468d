/**
 * Debian PostgreSQL 15 in a throwaway cluster: `initdb` in a temp folder, `postgres` on a free
 * loopback port with password (scram) auth, one database. PostgreSQL refuses to run as root, so
 * as root the cluster folder is owned by, and the server runs as, the `postgres` user.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, watchChild } from './processes.ts';

export interface RunningPostgres {
  host: string;
  port: number;
  dir: string;
  user: string;
  password: string;
  database: string;
  /** `postgres://user:password@127.0.0.1:port/database` */
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** The newest installed `/usr/lib/postgresql/N/bin`, or an error naming the package. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'postgres not found: install the Debian package `postgresql` (apt-get install -y postgresql)',
    );
  }
  return join(root, versions[0]!, 'bin');
}

function postgresAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('running as root needs the `postgres` user (package postgresql)');
  return { uid, gid: id('-g') };
}

export interface PostgresLaunchOptions {
  port?: number;
  /** Turn off fsync for tests (a crash loses the throwaway cluster anyway). Benches keep it on. */
  fast?: boolean;
  database?: string;
}

export async function startPostgres(opts: PostgresLaunchOptions = {}): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const account = postgresAccount();
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-postgres-'));
  const data = join(dir, 'data');
  const port = opts.port ?? (await freePort());
  const user = 'cityedge';
  const password = randomBytes(12).toString('hex');
  const database = opts.database ?? 'cityedge';
  const as = account ? { uid: account.uid, gid: account.gid } : {};
  if (account) {
    await chown(dir, account.uid, account.gid);
    await chmod(dir, 0o700);
  }
  const pwfile = join(dir, 'pw');
  await writeFile(pwfile, `${password}\n`);
  if (account) await chown(pwfile, account.uid, account.gid);
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', user, '--pwfile', pwfile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--no-sync'],
    { ...as, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', 'max_connections=200', '-c', 'shared_buffers=64MB');
  if (opts.fast) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(join(bin, 'postgres'), args, { ...as, stdio: ['ignore', 'ignore', 'pipe'] });
  const watched = watchChild(child, 10_000);
  const stopProcess = watched.signal;
  const env = { ...process.env, PGPASSWORD: password };
  const pgArgs = ['-h', '127.0.0.1', '-p', String(port), '-U', user];
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`postgres exited during start-up: ${watched.output().trim()}`);
      if (spawnSync(join(bin, 'pg_isready'), [...pgArgs, '-d', 'postgres'], { env }).status === 0) break;
      if (Date.now() > deadline) throw new Error(`postgres not ready in 30 s: ${watched.output().trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const created = spawnSync(join(bin, 'createdb'), [...pgArgs, database], { env, encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
  } catch (e) {
    await stopProcess('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    user,
    password,
    database,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    process: child,
    kill: () => stopProcess('SIGKILL'),
    stop: async () => {
      await stopProcess('SIGINT'); // "fast" shutdown: roll back open transactions, then exit
      await rm(dir, { recursive: true, force: true });
    },
  };
}
