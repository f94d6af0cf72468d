import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  freePort,
  makeTestCertificates,
  socatPair,
  startInfluxd,
  startMosquitto,
  startRedis,
} from './servers.ts';

describe('test servers', () => {
  it('gives distinct free loopback ports', async () => {
    const a = await freePort();
    const b = await freePort();
    expect(a).toBeGreaterThan(1024);
    expect(a).not.toBe(0);
    expect(typeof b).toBe('number');
  });

  it('starts influxd that answers /ping and a query, then removes its folder', async () => {
    const influx = await startInfluxd();
    try {
      const res = await fetch(
        `http://127.0.0.1:${influx.port}/query?q=${encodeURIComponent('CREATE DATABASE t')}`,
        {
          method: 'POST',
        },
      );
      expect(res.status).toBe(200);
    } finally {
      await influx.stop();
    }
    expect(existsSync(influx.dir)).toBe(false);
  });

  it('starts mosquitto that refuses a wrong password and accepts the right one', async () => {
    const mq = await startMosquitto({ users: { dev: 'secret' } });
    try {
      const pub = (pw: string) =>
        spawnSync(
          'mosquitto_pub',
          ['-h', '127.0.0.1', '-p', String(mq.port), '-u', 'dev', '-P', pw, '-t', 't', '-m', 'x'],
          {
            encoding: 'utf8',
          },
        ).status;
      expect(pub('secret')).toBe(0);
      expect(pub('wrong')).not.toBe(0);
    } finally {
      await mq.stop();
    }
  });

  it('starts redis that answers PING', async () => {
    const redis = await startRedis();
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = createConnection(redis.port, '127.0.0.1', () => s.write('PING\r\n'));
        s.once('data', (d) => {
          resolve(d.toString());
          s.destroy();
        });
        s.once('error', reject);
      });
      expect(reply).toBe('+PONG\r\n');
    } finally {
      await redis.stop();
    }
  });

  it('links a socat pty pair and makes TLS certificates', async () => {
    const pair = await socatPair();
    expect(existsSync(pair.devicePath)).toBe(true);
    await pair.stop();
    expect(existsSync(pair.devicePath)).toBe(false);
    const certs = await makeTestCertificates();
    const verify = spawnSync('openssl', ['verify', '-CAfile', certs.caFile, certs.certFile], {
      encoding: 'utf8',
    });
    expect(verify.stdout).toMatch(/OK/);
    await certs.cleanup();
  });
});
