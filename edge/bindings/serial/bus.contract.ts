/**
 * Contract suite for the serial sensor bus, run against serialport's mock and a real socat pty pair.
 * Each harness provides the agent-side link factory and a gateway side that can send bytes and
 * unplug/replug the adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkStatus, SerialLinkFactory, SerialSensorBus } from '../../../core/ports/serial.ts';
import { openSerialSensorBus } from './bus.ts';
import { encodeFrame, type SensorMessage } from '../../../core/ports/serial-frames.ts';

export interface GatewayHarness {
  link: SerialLinkFactory;
  /** Gateway → agent. */
  send(bytes: Uint8Array): Promise<void>;
  /** Resolves once the gateway has received at least `n` bytes from the agent. */
  receivedBytes(n: number): Promise<Buffer>;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const readings: SensorMessage[] = [
  { type: 'occupancy', sensorId: 11, occupied: true, raw: 812 },
  { type: 'battery', sensorId: 11, millivolts: 3550, percent: 64 },
  { type: 'status', sensorId: 12, status: 'degraded', faultCode: 3 },
  { type: 'heartbeat', sensorId: 12, seq: 9, uptimeS: 3600 },
];

export function describeSerialBusContract(name: string, makeHarness: () => Promise<GatewayHarness>): void {
  describe(`serial sensor bus contract: ${name}`, () => {
    let h: GatewayHarness;
    let bus: SerialSensorBus;
    let got: SensorMessage[];
    let states: LinkStatus['state'][];

    const open = async () => {
      bus = await openSerialSensorBus({
        path: h.link.path,
        link: h.link,
        backoff: { initialMs: 20, maxMs: 100 },
        presencePollMs: 20,
      });
      bus.onMessage((m) => got.push(m));
      bus.onStatus((s) => states.push(s.state));
    };

    beforeEach(async () => {
      got = [];
      states = [];
      h = await makeHarness();
    });
    afterEach(async () => {
      await bus?.close();
      await h.cleanup();
    });

    it('comes up and decodes readings written in arbitrary chunks, skipping noise', async () => {
      await open();
      expect(bus.status().state).toBe('up');
      const stream = Buffer.concat([
        Buffer.from([0x00, 0xa5, 0xff]),
        ...readings.map(encodeFrame),
        Buffer.from([0x13, 0x37]),
      ]);
      await h.send(stream.subarray(0, 7));
      await h.send(stream.subarray(7));
      await waitUntil(() => got.length >= readings.length, 3000, 'readings');
      expect(got).toEqual(readings);
      expect(bus.status().counters.frames).toBe(readings.length);
      expect(bus.status().counters.droppedBytes).toBeGreaterThan(0);
    });

    it('writes encoded frames to the gateway', async () => {
      await open();
      const r = await bus.send(readings[0]!);
      expect(r.ok).toBe(true);
      const bytes = await h.receivedBytes(encodeFrame(readings[0]!).length);
      expect(bytes).toEqual(encodeFrame(readings[0]!));
    });

    it('goes down on unplug, reconnects on replug and readings resume', async () => {
      await open();
      await h.send(encodeFrame(readings[0]!));
      await waitUntil(() => got.length === 1, 3000, 'first reading');
      await h.unplug();
      await waitUntil(() => bus.status().state === 'down', 3000, 'link down');
      expect(bus.status().lastError?.code).toMatch(/^SERIAL_(DISCONNECTED|OPEN_FAILED)$/);
      const sent = await bus.send(readings[1]!);
      expect(sent.ok).toBe(false);
      await h.replug();
      await waitUntil(() => bus.status().state === 'up', 5000, 'link up again');
      expect(bus.status().reconnects).toBe(1);
      await h.send(encodeFrame(readings[2]!));
      await waitUntil(() => got.length === 2, 3000, 'reading after replug');
      expect(got).toEqual([readings[0], readings[2]]);
      expect(states).toEqual(expect.arrayContaining(['down', 'up']));
    });

    it('reports a missing device as a down status (no throw) and connects when it appears', async () => {
      await h.unplug();
      await open();
      expect(bus.status().state).toBe('down');
      expect(bus.status().lastError?.code).toBe('SERIAL_OPEN_FAILED');
      await h.replug();
      await waitUntil(() => bus.status().state === 'up', 5000, 'link up');
      expect(bus.status().reconnects).toBe(0);
      await h.send(encodeFrame(readings[3]!));
      await waitUntil(() => got.length === 1, 3000, 'reading');
      expect(got).toEqual([readings[3]]);
    });

    it('close() stops reconnecting and ends in state closed', async () => {
      await open();
      await bus.close();
      expect(bus.status().state).toBe('closed');
      await h.send(encodeFrame(readings[0]!)).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual([]);
    });
  });
}
