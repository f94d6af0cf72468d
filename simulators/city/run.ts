/**
 * `sim city`: N lot gateways + M signal controllers as real MQTT 3.1.1 clients publishing the
 * contract's message mix, plus an optional monitor subscriber (e.g. the dashboard's WebSocket)
 * that measures device-publish → subscriber latency from the envelope's device timestamp.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { intersectionDevice, lotDevice, type VirtualDevice } from './devices.ts';
import { type Percentiles, percentiles } from './stats.ts';

export interface CitySimOptions {
  url: string;
  /** Failover: on reconnect each device tries the next of these (mqtt.js `servers`). */
  failover?: string[];
  site?: string;
  lots: number;
  intersections: number;
  /** MQTT credentials per device; default username `site.device` and `password`. */
  password?: string;
  credentials?: (site: string, device: string) => { username?: string; password?: string };
  /** Multiplies every rate (2 = twice as chatty). */
  rateScale?: number;
  /** When set, every device sends only lot/spat-sized state messages at this fixed rate (fan-in benches). */
  fixedRatePerDevice?: number;
  /** Forces one QoS for every message (benches); default: the contract's QoS per topic. */
  qos?: 0 | 1;
  durationS: number;
  monitor?: { url: string; username?: string; password?: string; filter?: string };
  connectConcurrency?: number;
  onProgress?: (s: CitySimStats) => void;
}

export interface CitySimStats {
  devices: number;
  connectS: number;
  seconds: number;
  sent: number;
  acked: number;
  errors: number;
  received: number;
  sentPerS: number;
  ackedPerS: number;
  receivedPerS: number;
  latencyMs: Percentiles;
  /** Reconnections after the first connect (failover), and when the last one happened. */
  reconnects: number;
  lastReconnectAt: number;
}

const TICK_MS = 50;

function connect(url: string, opts: mqtt.IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 30_000,
    ...opts,
  });
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

export function cityDevices(site: string, lots: number, intersections: number): VirtualDevice[] {
  const pad = (n: number) => String(n + 1).padStart(4, '0');
  return [
    ...Array.from({ length: lots }, (_, i) => lotDevice(site, `lot-${pad(i)}`)),
    ...Array.from({ length: intersections }, (_, i) => intersectionDevice(site, `int-${pad(i)}`)),
  ];
}

export async function runCitySim(o: CitySimOptions): Promise<CitySimStats> {
  const site = o.site ?? 'sim';
  const devices = cityDevices(site, o.lots, o.intersections);
  const clients = new Map<VirtualDevice, MqttClient>();
  const latencies: number[] = [];
  let [sent, acked, errors, received] = [0, 0, 0, 0];
  let measuring = false;
  let reconnects = 0;
  let lastReconnectAt = 0;

  let monitor: MqttClient | undefined;
  if (o.monitor) {
    monitor = await connect(o.monitor.url, {
      ...(o.monitor.username ? { username: o.monitor.username } : {}),
      ...(o.monitor.password ? { password: o.monitor.password } : {}),
    });
    monitor.on('message', (_topic, payload, packet) => {
      if (!measuring || packet.retain) return; // retained = old state, not this run's latency
      received++;
      const ts = (JSON.parse(payload.toString()) as { ts?: number }).ts;
      if (typeof ts === 'number') latencies.push(Date.now() - ts);
    });
    await monitor.subscribeAsync(o.monitor.filter ?? `cityedge/v1/${site}/#`, { qos: 0 });
  }

  const t0 = Date.now();
  await pool(devices, o.connectConcurrency ?? 50, async (d) => {
    const creds = o.credentials?.(d.site, d.device) ?? {
      username: `${d.site}.${d.device}`,
      password: o.password ?? 'sim-password',
    };
    const servers = o.failover?.map((u) => {
      const x = new URL(u);
      return { host: x.hostname, port: Number(x.port) };
    });
    const c = await connect(o.url, {
      ...creds,
      clientId: `sim-${d.site}-${d.device}`,
      clean: true,
      ...(servers ? { servers } : {}),
    });
    c.on('connect', () => {
      reconnects++;
      lastReconnectAt = Date.now();
    });
    clients.set(d, c);
  });
  const connectS = (Date.now() - t0) / 1000;

  const scale = o.rateScale ?? 1;
  const acc = new Map<VirtualDevice, Record<string, number>>();
  const counts = new Map<VirtualDevice, number>();
  for (const d of devices) {
    const rates = o.fixedRatePerDevice
      ? { [d.kind === 'parking' ? 'lot' : 'spat']: o.fixedRatePerDevice }
      : d.rates;
    // Random phase so 1,000 devices do not all publish in the same tick.
    acc.set(d, Object.fromEntries(Object.keys(rates).map((k) => [k, Math.random()])));
  }
  const rateOf = (d: VirtualDevice, k: string) => o.fixedRatePerDevice ?? (d.rates[k] ?? 0) * scale;

  const started = Date.now();
  measuring = true;
  let last = started;
  const snapshot = (): CitySimStats => {
    const seconds = (Date.now() - started) / 1000;
    return {
      devices: devices.length,
      connectS,
      seconds,
      sent,
      acked,
      errors,
      received,
      sentPerS: sent / seconds,
      ackedPerS: acked / seconds,
      receivedPerS: received / seconds,
      latencyMs: percentiles(latencies),
      reconnects,
      lastReconnectAt,
    };
  };
  await new Promise<void>((resolve) => {
    let lastProgress = started;
    const timer = setInterval(() => {
      const now = Date.now();
      const dt = (now - last) / 1000;
      last = now;
      for (const d of devices) {
        const a = acc.get(d)!;
        const client = clients.get(d)!;
        for (const k of Object.keys(a)) {
          a[k]! += rateOf(d, k) * dt;
          while (a[k]! >= 1) {
            a[k]! -= 1;
            const n = (counts.get(d) ?? 0) + 1;
            counts.set(d, n);
            const m = d.build(k, Date.now(), n);
            sent++;
            client.publish(m.topic, m.payload, { qos: o.qos ?? m.qos, retain: m.retain }, (e) =>
              e ? errors++ : acked++,
            );
          }
        }
      }
      if (o.onProgress && now - lastProgress >= 1000) {
        lastProgress = now;
        o.onProgress(snapshot());
      }
      if (now - started >= o.durationS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // Let in-flight QoS 1 acknowledgements and deliveries arrive (bounded wait).
  const deadline = Date.now() + 10_000;
  while ((acked + errors < sent || (monitor && received < sent)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const stats = snapshot();
  measuring = false;
  await Promise.all([...clients.values()].map((c) => c.endAsync(true)));
  await monitor?.endAsync(true);
  return stats;
}

export function formatStats(s: CitySimStats): string {
  const l = s.latencyMs;
  return [
    `devices ${s.devices} (connected in ${s.connectS.toFixed(1)} s)`,
    `sent ${s.sent} in ${s.seconds.toFixed(1)} s = ${s.sentPerS.toFixed(0)} msgs/s, acked ${s.acked}, errors ${s.errors}`,
    s.received
      ? `received ${s.received} (${s.receivedPerS.toFixed(0)} msgs/s); latency ms p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max}`
      : 'no monitor',
  ].join('\n');
}
