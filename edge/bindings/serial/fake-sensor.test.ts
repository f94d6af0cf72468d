import { afterEach, describe, expect, it } from 'vitest';
import type { SerialSensorBus } from '../../../core/ports/serial.ts';
import { openSerialSensorBus } from './bus.ts';
import { waitUntil } from './bus.contract.ts';
import { FakeBaySensor } from '../../../core/ports/serial-fake-sensor.ts';
import { MockSerialGateway } from './mock-gateway.ts';
import type { SensorMessage } from '../../../core/ports/serial-frames.ts';
import { ManualClock } from '../../../core/ports/clock.ts';

let bus: SerialSensorBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

describe('FakeBaySensor through the mock gateway and the bus', () => {
  it('delivers heartbeats, battery and occupancy changes as decoded messages', async () => {
    const gw = new MockSerialGateway();
    bus = await openSerialSensorBus({ path: gw.path, link: gw.link });
    const got: SensorMessage[] = [];
    bus.onMessage((m) => got.push(m));
    const clock = new ManualClock();
    const sensor = new FakeBaySensor({
      sensorId: 40,
      clock,
      send: (f) => gw.send(f),
      heartbeatMs: 1000,
      batteryMs: 5000,
      batteryMv: 3300,
    }).start();
    clock.advance(5000); // 5 heartbeats + 1 battery
    sensor.setOccupied(true);
    sensor.status('fault', 0x21);
    await waitUntil(() => got.length === 8, 2000, '8 messages');
    expect(got.filter((m) => m.type === 'heartbeat').map((m) => m.type === 'heartbeat' && m.uptimeS)).toEqual(
      [1, 2, 3, 4, 5],
    );
    expect(got).toContainEqual({ type: 'battery', sensorId: 40, millivolts: 3300, percent: 50 });
    expect(got).toContainEqual({ type: 'occupancy', sensorId: 40, occupied: true, raw: 2050 });
    expect(got.at(-1)).toEqual({ type: 'status', sensorId: 40, status: 'fault', faultCode: 0x21 });
    sensor.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
