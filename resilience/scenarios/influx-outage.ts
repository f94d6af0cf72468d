/**
 * InfluxDB `kill -9` for 60 s (6 s quick) under steady device traffic through the real broker,
 * then restarted on the same data folder. Every reading the broker acknowledged (PUBACK) must be
 * in InfluxDB exactly once afterwards: the ingest spools to disk while InfluxDB is gone and
 * replays the spool when it is back. Devices must keep getting PUBACKs during the outage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { buildMessage } from '../../core/contract/index.ts';
import { connectMqtt, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { freePort, type RunningServer, startInfluxd, waitFor } from '../../testing/servers.ts';
import { secs, sleep, storedSensorKeys } from '../lib/storage.ts';
import type { Scenario } from '../scenario.ts';

const SITE = 'res-influx';

interface Sizes {
  devices: number;
  /** Readings per second, all devices together (each device stays under the broker's 200/s bucket). */
  rate: number;
  beforeMs: number;
  downMs: number;
  afterMs: number;
}

const QUICK: Sizes = { devices: 4, rate: 200, beforeMs: 2_000, downMs: 6_000, afterMs: 2_000 };
const FULL: Sizes = { devices: 10, rate: 1_000, beforeMs: 5_000, downMs: 60_000, afterMs: 10_000 };

type Phase = 'before' | 'down' | 'after';

export const scenario: Scenario = {
  name: 'influx-outage',
  what: 'InfluxDB killed (SIGKILL) for 60 s under steady device traffic, then restarted on its data folder',
  ci: true,
  async run(ctx) {
    const size = ctx.quick ? QUICK : FULL;
    const dir = await mkdtemp(join(tmpdir(), 'cityedge-res-influx-'));
    const port = await freePort();
    let influxd: RunningServer | null = null;
    let broker: TestBroker | null = null;
    const clients: MqttClient[] = [];
    let producer: NodeJS.Timeout | undefined;
    try {
      influxd = await startInfluxd({ port, dir });
      broker = await startTestBroker({ influx: { url: `http://127.0.0.1:${port}`, flushMs: 200 } });
      const b = broker;
      for (let d = 0; d < size.devices; d++) {
        const creds = await b.addDevice(SITE, `d${d}`);
        clients.push(
          await connectMqtt(`mqtt://127.0.0.1:${b.mqttPort}`, { ...creds, clientId: `${SITE}.d${d}` }),
        );
      }

      // Key = `device/n`; n is unique per device and travels as the reading's `raw` field.
      const sentPhase = new Map<string, Phase>();
      const acked = new Set<string>();
      const ackedIn: Record<Phase, number> = { before: 0, down: 0, after: 0 };
      let refusedAcks = 0;
      let phase: Phase = 'before';
      const pending: Promise<unknown>[] = [];
      let n = 0;
      const started = Date.now();
      // Paced by elapsed time, not timer ticks: a loaded box delays timers but not the count.
      producer = setInterval(() => {
        const due = Math.floor(((Date.now() - started) * size.rate) / 1000);
        for (; n < due; n++) {
          const d = n % size.devices;
          const device = `d${d}`;
          const seq = Math.floor(n / size.devices);
          const key = `${device}/${seq}`;
          const m = buildMessage(
            'sensorReading',
            { site: SITE, device, sensor: `s${seq % 20}` },
            { sensor: `s${seq % 20}`, kind: 'heartbeat', raw: seq },
            { ts: Date.now() },
          );
          sentPhase.set(key, phase);
          pending.push(
            clients[d]!.publishAsync(m.topic, m.payload, { qos: 1 }).then(
              () => {
                acked.add(key);
                ackedIn[phase]++;
              },
              () => refusedAcks++,
            ),
          );
        }
      }, 20);

      await sleep(size.beforeMs);
      await influxd.kill(); // SIGKILL: no shutdown, the WAL is all InfluxDB keeps
      const downAt = Date.now();
      phase = 'down';
      ctx.log(`InfluxDB killed after ${n} readings`);
      await waitFor(() => b.counters.get('ingest.points.spooled') > 0, 15_000, 'ingest spooling').catch(
        () => {},
      );
      const spoolingAfterMs = Date.now() - downAt;
      await sleep(size.downMs - (Date.now() - downAt));
      influxd = await startInfluxd({ port, dir });
      const downMs = Date.now() - downAt;
      phase = 'after';
      const backAt = Date.now();
      ctx.log(`InfluxDB back after ${secs(downMs)}`);
      // When the spool first empties after InfluxDB's return (replay time, while traffic goes on).
      let spoolEmptyMs: number | null = null;
      const spoolWatch = setInterval(() => {
        if (spoolEmptyMs === null && b.ingest?.status().spooledPoints === 0)
          spoolEmptyMs = Date.now() - backAt;
      }, 50);
      spoolWatch.unref();
      await sleep(size.afterMs);
      clearInterval(producer);
      producer = undefined;
      const sent = n;
      const elapsedS = (Date.now() - started) / 1000;
      await Promise.allSettled(pending);
      // Everything acknowledged reaches ingest, then ingest drains (memory and spool) into InfluxDB.
      await waitFor(
        () => b.counters.get('ingest.messages') >= acked.size,
        30_000,
        'ingest of all acked',
      ).catch(() => {});
      const drainedOk = (await b.ingest?.drained(90_000)) ?? false;
      clearInterval(spoolWatch);

      const store = await storedSensorKeys(port, SITE, { kind: 'heartbeat' });
      const stored = [...sentPhase.keys()].filter((k) => store.keys.has(k)).length;
      const lost = [...acked].filter((k) => !store.keys.has(k)).length;
      const storedIn: Record<Phase, number> = { before: 0, down: 0, after: 0 };
      for (const [k, p] of sentPhase) if (store.keys.has(k)) storedIn[p]++;
      const c = (name: string) => b.counters.get(name);
      const notes = [
        `${sent} readings from ${size.devices} devices in ${elapsedS.toFixed(1)} s (${Math.round(sent / elapsedS)}/s); InfluxDB down ${secs(downMs)} (SIGKILL, restarted on the same folder)`,
        `acked before / during / after the outage: ${ackedIn.before} / ${ackedIn.down} / ${ackedIn.after}; publish errors ${refusedAcks}`,
        `stored before / during / after: ${storedIn.before} / ${storedIn.down} / ${storedIn.after}; rows ${store.rows}, distinct ${store.keys.size}`,
        `ingest: spooling ${secs(spoolingAfterMs)} after the kill, spooled ${c('ingest.points.spooled')}, replayed ${c('ingest.points.replayed')}, write failures ${c('ingest.write.failures')}, dropped (spool full) ${c('ingest.points.dropped.spoolFull')}`,
        `spool replayed (empty) ${spoolEmptyMs === null ? 'never' : `${secs(spoolEmptyMs)} after InfluxDB's return`}, while new readings kept arriving; ingest fully drained at the end: ${drainedOk}`,
      ];
      const stalls: string[] = [];
      // "Valid traffic keeps flowing": devices are acknowledged while InfluxDB is gone, and
      // readings sent after it came back are stored.
      if (ackedIn.down === 0) stalls.push('no PUBACK while InfluxDB was down');
      if (storedIn.after === 0) stalls.push('nothing sent after the restart was stored');
      if (!drainedOk) stalls.push('spool not drained');
      return {
        sent,
        acknowledged: acked.size,
        stored,
        lost,
        duplicated: store.duplicated,
        stalls,
        notes,
      };
    } finally {
      clearInterval(producer);
      for (const cl of clients) cl.end(true);
      await broker?.close();
      await influxd?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
