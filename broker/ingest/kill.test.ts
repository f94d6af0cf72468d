/**
 * Issue 16, hole 6: a QoS 1 PUBACK used to mean "in memory"; `kill -9` of the broker then lost
 * every acknowledged point not yet flushed to InfluxDB (all 50 here, with durableAck 'off').
 * Now the PUBACK follows the WAL fsync: after a kill and restart, all 50 are in InfluxDB, once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { hashPassword } from '../auth/passwords.ts';
import { openDb } from '../db/sqlite.ts';
import { Accounts } from '../db/users.ts';
import { eventMessage } from '../fixtures.ts';
import { type BrokerProcess, spawnBroker } from '../process.ts';

let influxd: RunningServer | undefined;
let broker: BrokerProcess | undefined;
let dir = '';
afterAll(async () => {
  await broker?.stop();
  await influxd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('keeps every acknowledged QoS 1 message through kill -9 of the broker', { timeout: 120_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-kill-'));
  influxd = await startInfluxd();
  const dataDir = join(dir, 'broker');
  const db = openDb(join(dataDir, 'broker.db'));
  new Accounts(db).createDevice('kill', 'lot-1', 'parking', await hashPassword('kill-password'));
  db.close();
  const config = {
    mqttPort: await freePort(),
    httpPort: await freePort(),
    dataDir,
    // flushMs 5 s: the acknowledged points are certainly still in memory when the kill comes.
    influx: { url: `http://127.0.0.1:${influxd.port}`, flushMs: 5000 },
  };
  broker = await spawnBroker(config);
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${config.mqttPort}`, {
    protocolVersion: 4,
    clientId: 'kill.lot-1',
    username: 'kill.lot-1',
    password: 'kill-password',
    reconnectPeriod: 0,
  });
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const m = eventMessage('kill', 'lot-1', Date.now(), 'entry', `AB${1000 + i}`);
    await c.publishAsync(m.topic, m.payload, { qos: 1 });
    ids.push(m.id);
  }
  const exited = new Promise((r) => broker!.child.once('exit', r));
  broker.child.kill('SIGKILL');
  await exited;
  c.end(true);
  broker = await spawnBroker(config);
  const influx = new InfluxDB({ host: '127.0.0.1', port: influxd.port, database: 'cityedge' });
  const rows = () => influx.query<{ msgId: string }>('SELECT "msgId" FROM "raw"."parking_event"');
  await waitFor(async () => (await rows()).length >= 50, 30_000, 'acknowledged points stored').catch(
    () => {},
  );
  const stored = (await rows()).map((r) => r.msgId);
  expect(stored.sort()).toEqual([...ids].sort()); // all 50, none twice
});
