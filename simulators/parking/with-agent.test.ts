/**
 * The real edge agent (simulated GPIO profile, its serial bus on the socat pty, its LPR on the
 * simulator's HTTP cameras, its MQTT uplink to an in-process aedes) against the lot simulator:
 * every car the simulator drives through a lane must be in the agent controller's log.
 */
import { describe, expect, it } from 'vitest';
import { exampleLot, exampleRegistry } from '../../controllers/parking/test-helpers.ts';
import { runWithAgent } from './with-agent.ts';

const registryPath = new URL('../../controllers/parking/examples/registry.yaml', import.meta.url).pathname;

describe('parking simulator against the real edge agent', () => {
  it('5 simulated minutes: the agent reads the plates with its LPR and logs every entry and exit', async () => {
    const r = await runWithAgent(
      exampleLot(),
      exampleRegistry(),
      { seed: 5, durationMs: 5 * 60_000, speed: 10, demand: 2, meanStayMs: 60_000, minStayMs: 30_000 },
      { registryPath, lpr: true, ocrWorkers: 1 },
    );
    expect(r.truth.entered).toBeGreaterThan(5);
    expect(r.truth.exited).toBeGreaterThan(0);
    expect(r.controller.entries).toBe(r.truth.entered);
    expect(r.controller.exits).toBe(r.truth.exited);
    expect(r.controller.counts.gateCount).toBe(r.truth.inside);
    expect(r.controller.counts.bayOccupied).toBe(r.truth.parked);
    expect(r.serial.frames).toBeGreaterThan(40); // the agent's own serial bus decoded the sensors
    expect(r.cameras.snapshots).toBeGreaterThan(0); // and its LPR fetched the lane cameras
    expect(r.controller.alarms.tailgate ?? 0).toBe(r.truth.tailgaters);
  });
});
