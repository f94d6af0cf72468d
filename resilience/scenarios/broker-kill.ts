/**
 * Issue 16, hole 6: the broker process is killed (`kill -9`) and restarted under 100 msg/s of
 * QoS 1 — half from the edge uplink (durable queue, deletes an entry on PUBACK), half from plain
 * mqtt.js — against real InfluxDB. Every message a sender saw acknowledged must be in InfluxDB
 * exactly once afterwards: a PUBACK means the points were in the ingest WAL (fsync) first.
 * Messages are parking events, whose `msgId` field lets a duplicate show up as a second row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfluxDB } from 'influx';
import mqtt from 'mqtt';
import { hashPassword } from '../../broker/auth/passwords.ts';
import type { DurableAck } from '../../broker/ingest/wal.ts';
import { openDb } from '../../broker/db/sqlite.ts';
import { Accounts } from '../../broker/db/users.ts';
import { eventMessage } from '../../broker/fixtures.ts';
import { type BrokerProcess, spawnBroker } from '../../broker/process.ts';
import { ADMIN } from '../../broker/testing.ts';
import { openQueue } from '../../edge/queue/durable-queue.ts';
import { createUplink } from '../../edge/uplink/uplink.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import type { Scenario, ScenarioResult } from '../scenario.ts';

const SITE = 'kill';
const PASSWORD = 'kill-device-password';
const RATE_EACH = 50; // msgs/s per sender, 100 in total

export async function brokerKill(opts: {
  quick: boolean;
  durableAck: DurableAck;
  log: (s: string) => void;
}): Promise<Omit<ScenarioResult, 'name' | 'durationMs'>> {
  const kills = opts.quick ? 1 : 3;
  const runMs = opts.quick ? 3_000 : 15_000; // before each kill, and after the last one
  const dir = await mkdtemp(join(tmpdir(), 'cityedge-kill-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let influxd: RunningServer | undefined;
  try {
    influxd = await startInfluxd();
    const dataDir = join(dir, 'broker');
    const db = openDb(join(dataDir, 'broker.db'));
    const accounts = new Accounts(db);
    const hash = await hashPassword(PASSWORD);
    for (const d of ['uplink', 'plain']) accounts.createDevice(SITE, d, 'parking', hash);
    db.close();
    const config = {
      mqttPort: await freePort(),
      httpPort: await freePort(),
      dataDir,
      admin: ADMIN,
      influx: { url: `http://127.0.0.1:${influxd.port}`, durableAck: opts.durableAck },
    };
    let broker: BrokerProcess = await spawnBroker(config);
    cleanups.push(() => broker.stop());
    const url = `mqtt://127.0.0.1:${config.mqttPort}`;

    const opened = openQueue({ path: join(dir, 'outbox.db') });
    if (!opened.ok) throw opened.error;
    const queue = opened.value;
    const uplink = createUplink(
      {
        url,
        clientId: `${SITE}.uplink`,
        site: SITE,
        device: 'uplink',
        username: `${SITE}.uplink`,
        password: PASSWORD,
        reconnectPeriodMs: 300,
        keepaliveS: 5,
      },
      queue,
    );
    cleanups.push(async () => {
      await uplink.stop();
      queue.close();
    });
    uplink.start();
    const plain = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: `${SITE}.plain`,
      username: `${SITE}.plain`,
      password: PASSWORD,
      clean: false,
      reconnectPeriod: 300,
      connectTimeout: 5000,
    });
    cleanups.push(() => plain.endAsync(true));
    await waitFor(() => uplink.stats().connected, 15_000, 'uplink connected');

    const uplinkIds: string[] = [];
    const plainIds: string[] = [];
    const plainAcked = new Set<string>();
    let plainErrors = 0;
    const started = Date.now();
    let n = 0;
    // Paced by elapsed time so a loaded machine's late timers do not thin the stream.
    const producer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * RATE_EACH) / 1000);
      for (; n < due; n++) {
        const u = eventMessage(SITE, 'uplink', Date.now(), 'entry', `UP${n % 100000}`);
        uplinkIds.push(u.id);
        void uplink.send(u);
        const p = eventMessage(SITE, 'plain', Date.now(), 'exit', `PL${n % 100000}`);
        plainIds.push(p.id);
        plain.publish(p.topic, p.payload, { qos: 1 }, (e) => (e ? plainErrors++ : plainAcked.add(p.id)));
      }
    }, 10);
    cleanups.push(() => clearInterval(producer));

    const restarts: number[] = [];
    for (let k = 0; k < kills; k++) {
      await sleep(runMs);
      const exited = new Promise((r) => broker.child.once('exit', r));
      broker.child.kill('SIGKILL');
      await exited;
      const t0 = Date.now();
      broker = await spawnBroker(config);
      restarts.push(Date.now() - t0);
    }
    await sleep(runMs);
    clearInterval(producer);
    const sent = uplinkIds.length + plainIds.length;
    // The uplink re-sends until PUBACK; mqtt.js re-sends its un-acked QoS 1 on reconnect.
    await waitFor(() => queue.stats().depth === 0, 30_000, 'uplink queue drained').catch(() => {});
    await waitFor(() => plainAcked.size + plainErrors >= plainIds.length, 30_000, 'plain acks').catch(
      () => {},
    );
    const uplinkAcked = new Set(uplinkIds.slice(0, uplinkIds.length - queue.stats().depth));

    const influx = new InfluxDB({ host: '127.0.0.1', port: influxd.port, database: 'cityedge' });
    const rows = async () =>
      influx.query<{ msgId: string }>(`SELECT "msgId" FROM "raw"."parking_event" WHERE "site" = '${SITE}'`);
    await waitFor(
      async () => (await rows()).length >= uplinkAcked.size + plainAcked.size,
      20_000,
      'stored',
    ).catch(() => {});
    const counts = new Map<string, number>();
    for (const r of await rows()) counts.set(r.msgId, (counts.get(r.msgId) ?? 0) + 1);
    const acked = [...uplinkAcked, ...plainAcked];
    const lostUplink = [...uplinkAcked].filter((id) => !counts.has(id)).length;
    const lostPlain = [...plainAcked].filter((id) => !counts.has(id)).length;
    const duplicated = [...counts.values()].reduce((s, c) => s + c - 1, 0);
    const metrics = await fetch(`http://127.0.0.1:${config.httpPort}/api/metrics`, {
      headers: {
        authorization: `Bearer ${
          (
            (await (
              await fetch(`http://127.0.0.1:${config.httpPort}/api/login`, {
                method: 'POST',
                body: JSON.stringify(ADMIN),
              })
            ).json()) as { token: string }
          ).token
        }`,
      },
    }).then(async (r) => ((await r.json()) as { counters: Record<string, number> }).counters);
    return {
      sent,
      acknowledged: acked.length,
      stored: acked.filter((id) => counts.has(id)).length,
      lost: lostUplink + lostPlain,
      duplicated,
      notes: [
        `durableAck ${opts.durableAck}; ${kills} × kill -9 under ${RATE_EACH * 2} msg/s QoS 1; restart to healthy ${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`,
        `edge uplink: sent ${uplinkIds.length}, acked ${uplinkAcked.size}, lost ${lostUplink}; mqtt.js: sent ${plainIds.length}, acked ${plainAcked.size} (errors ${plainErrors}), lost ${lostPlain}`,
        `last broker: WAL points recovered into the spool ${metrics['ingest.wal.recoveredPoints'] ?? 0}, torn records ${metrics['ingest.wal.torn'] ?? 0}`,
      ],
    };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    await influxd?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export const scenario: Scenario = {
  name: 'broker-kill',
  what: 'the broker process is killed with SIGKILL and restarted under 100 msg/s QoS 1 from the edge uplink and plain mqtt.js',
  ci: true,
  run: (ctx) => brokerKill({ quick: ctx.quick, durableAck: 'fsync', log: ctx.log }),
};
