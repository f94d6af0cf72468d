/** The load generator against a real broker: devices provisioned over the API, WebSocket monitor. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startTestBroker, type TestBroker } from '../../broker/testing.ts';
import { provision } from './provision.ts';
import { cityDevices, runCitySim } from './run.ts';
import { percentiles } from './stats.ts';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker?.close());

it('computes nearest-rank percentiles', () => {
  const p = percentiles(Array.from({ length: 100 }, (_, i) => 100 - i));
  expect([p.p50, p.p95, p.p99, p.max]).toEqual([50, 95, 99, 100]);
});

it('drives lots and intersections through the broker with only contract-valid messages', async () => {
  const api = `http://127.0.0.1:${broker.httpPort}`;
  const { token } = await provision(api, ADMIN, cityDevices('sim', 3, 2), 'sim-password-1');
  const stats = await runCitySim({
    url: `mqtt://127.0.0.1:${broker.mqttPort}`,
    lots: 3,
    intersections: 2,
    password: 'sim-password-1',
    rateScale: 5,
    durationS: 3,
    monitor: { url: `ws://127.0.0.1:${broker.httpPort}/mqtt`, username: ADMIN.username, password: token },
  });
  // Scale 5: lots ≈ 9 msgs/s and intersections ≈ 12.6 msgs/s each → ≈ 50 msgs/s in all.
  expect(stats.sentPerS).toBeGreaterThan(30);
  expect(stats.sentPerS).toBeLessThan(80);
  expect(stats.errors).toBe(0);
  expect(stats.acked).toBe(stats.sent);
  expect(stats.received).toBe(stats.sent);
  expect(stats.latencyMs.p99).toBeLessThan(1000);
  expect(broker.counters.get('ingest.invalid')).toBe(0);
  expect(broker.counters.get('mqtt.denied.publish')).toBe(0);
});
