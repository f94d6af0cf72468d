/**
 * The lot simulator against the real controller with real boundaries (socat pty bay bus read by
 * the edge serial bus, simulated GPIO lanes, HTTP snapshot cameras): every vehicle the simulator
 * drives through a lane must be in the controller's log, and the counts must reconcile.
 */
import { describe, expect, it } from 'vitest';
import type { ParkingEvent } from '../../controllers/parking/index.ts';
import { exampleLot, exampleRegistry } from '../../controllers/parking/test-helpers.ts';
import { runInProcess } from './in-process.ts';

describe('parking simulator, in-process controller', () => {
  it('30 simulated minutes of morning traffic: every entry and exit detected, counts reconciled', async () => {
    const r = await runInProcess(exampleLot(), exampleRegistry(), {
      seed: 3,
      durationMs: 30 * 60_000,
      speed: 200,
      demand: 2,
      meanStayMs: 12 * 60_000,
      rates: { tailgate: 0.05, disabledBayMisuse: 0.1 },
    });
    expect(r.truth.entered).toBeGreaterThan(30);
    expect(r.truth.exited).toBeGreaterThan(3);
    expect(r.controller.entries).toBe(r.truth.entered);
    expect(r.controller.exits).toBe(r.truth.exited);
    expect(r.controller.counts.gateCount).toBe(r.truth.inside);
    expect(r.controller.counts.bayOccupied).toBe(r.truth.parked);
    expect(r.controller.counts.unknownSpotNumber).toBe(0);
    expect(r.controller.counts.drift).toBe(r.truth.inside - r.truth.parked); // cars still driving to a bay
    expect(r.controller.alarms.tailgate ?? 0).toBe(r.truth.tailgaters);
    expect(r.controller.alarms['disabled-bay-violation'] ?? 0).toBeLessThanOrEqual(r.truth.disabledMisuse);
    expect(r.controller.driftReports).toBe(0);
    expect(r.controller.rejected).toEqual({});
    expect(r.serial.badCrc).toBe(0);
    expect(r.controller.unmatchedExits + r.controller.ambiguousExits).toBeLessThanOrEqual(
      Math.ceil(r.truth.exited / 10),
    );
    // Accelerated, not a timing goal (those live in bench/): time also waits for camera and serial
    // I/O, so a loaded box runs slower than the ×200 asked for, but far faster than real time.
    expect(r.speedAchieved).toBeGreaterThan(20);
  });

  it('with sensor dropouts, corrupted serial bytes and hung cameras: no vehicle lost, faults reported', async () => {
    const lot = exampleLot((l) => {
      l.occupancy.sensorSilenceMs = 5 * 60_000;
    });
    const events: ParkingEvent[] = [];
    const r = await runInProcess(
      lot,
      exampleRegistry(),
      {
        seed: 11,
        durationMs: 30 * 60_000,
        speed: 200,
        demand: 2,
        meanStayMs: 12 * 60_000,
        dropoutMs: 10 * 60_000,
        rates: { sensorDropout: 0.5, cameraTimeout: 0.15, serialByteError: 0.002 },
      },
      { ready: (run) => run.ctl.onEvent((e) => events.push(e)) },
    );
    expect(r.controller.entries).toBe(r.truth.entered);
    expect(r.controller.exits).toBe(r.truth.exited);
    expect(r.controller.counts.gateCount).toBe(r.truth.inside);
    expect(r.cameras.hung).toBeGreaterThan(0);
    const reviews = events.flatMap((e) => (e.type === 'review.requested' ? [e.review.reason] : []));
    expect(reviews).toContain('camera-timeout');
    const silent = events.filter((e) => e.type === 'bay.status' && e.bay.reason === 'sensor-silent');
    expect(silent.length).toBeGreaterThan(0);
    expect(r.serial.badCrc + r.serial.droppedBytes).toBeGreaterThan(0);
    expect(r.controller.rejected.LISTENER_FAILED).toBeUndefined();
  });
});
