/**
 * Against real SUMO (Debian sumo 1.15): the TraCI client, and a short junction scenario run to the
 * end under the CityEdge controller — both when this process launches SUMO and when another
 * process started it with --remote-port. Every SUMO process is killed in afterAll.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBridge } from './bridge.ts';
import { cityEdgeController, createSimulatedClock } from './controller.ts';
import { type SumoProcess, launchSumo, spawnSumo } from './launch.ts';
import { type IntersectionBinding, loadIntersectionBinding } from './mapping.ts';
import { readTripinfo } from './metrics.ts';
import { runControlled } from './run.ts';
import { headsToState } from './signal-state.ts';
import { junctionDemand } from './scenarios/demand.ts';
import { type PreparedScenario, prepareScenario } from './scenarios/prepare.ts';
import type { TraciClient } from './traci/client.ts';
import { VAR } from './traci/constants.ts';

const DURATION_S = 300;
let dir = '';
let binding: IntersectionBinding;
const processes: SumoProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cityedge-sumo-'));
  const b = await loadIntersectionBinding(
    join(import.meta.dirname, 'scenarios/junction/junction.intersection.yaml'),
  );
  if (!b.ok) throw b.error;
  binding = b.value;
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const prepare = (label: string, name: 'offpeak' | 'emergency' = 'emergency'): Promise<PreparedScenario> =>
  prepareScenario({
    network: 'junction',
    tls: 'static',
    demand: junctionDemand(name, DURATION_S),
    dir,
    label,
  });

describe('TraCI client against SUMO', () => {
  let client: TraciClient;
  beforeAll(async () => {
    const sc = await prepare('traci', 'offpeak');
    const launched = await launchSumo(['-c', sc.sumocfg]);
    processes.push(launched.sumo);
    client = launched.client;
  });
  afterAll(async () => {
    await client?.close().catch(() => client.destroy());
  });

  it('negotiates protocol version 20', async () => {
    expect(await client.getVersion()).toEqual({ apiVersion: 20, identifier: 'SUMO 1.15.0' });
  });

  it('reads the traffic light: program, controlled links, state; sets a state', async () => {
    expect(await client.trafficLight.getIdList()).toEqual(['C']);
    expect(await client.trafficLight.getProgram('C')).toBe('0');
    const links = await client.trafficLight.getControlledLinks('C');
    expect(links).toHaveLength(16);
    expect(links[15]?.[0]).toEqual({ fromLane: 'W_P_2', toLane: 'C_N_1', viaLane: ':C_15_0' });
    expect(await client.trafficLight.getRedYellowGreenState('C')).toMatch(/^[GgyrRO]{16}$/);
    await client.trafficLight.setRedYellowGreenState('C', 'rrrrrrrrrrrrGGGg');
    expect(await client.trafficLight.getRedYellowGreenState('C')).toBe('rrrrrrrrrrrrGGGg');
    await client.trafficLight.setProgram('C', '0'); // back to SUMO's own program
    expect(await client.trafficLight.getRedYellowGreenState('C')).toBe('GGGgrrrrGGGgrrrr');
  });

  it("returns SUMO's error message with a code for an unknown object", async () => {
    await expect(client.trafficLight.getRedYellowGreenState('nope')).rejects.toMatchObject({
      code: 'TRACI_COMMAND_FAILED',
      message: "Traffic light 'nope' is not known",
    });
    // the connection survives a failed command
    expect(await client.simulation.getTime()).toBeGreaterThanOrEqual(0);
  });

  it('steps with subscriptions whose values match direct reads', async () => {
    await client.subscribe('laneArea', 'e2_W_P_0', [VAR.LAST_STEP_VEHICLE_NUMBER, VAR.LAST_STEP_OCCUPANCY]);
    await client.subscribe('simulation', '', [VAR.TIME, VAR.DEPARTED_VEHICLES_NUMBER]);
    let departed = 0;
    let lastTime = 0;
    for (let i = 0; i < 120; i++) {
      const r = await client.simulationStep();
      const t = r.number('simulation', '', VAR.TIME) ?? -1;
      expect(t).toBe(lastTime + 1);
      lastTime = t;
      departed += r.number('simulation', '', VAR.DEPARTED_VEHICLES_NUMBER) ?? 0;
      expect(r.number('laneArea', 'e2_W_P_0', VAR.LAST_STEP_VEHICLE_NUMBER)).toBe(
        await client.laneArea.getLastStepVehicleNumber('e2_W_P_0'),
      );
    }
    expect(departed).toBeGreaterThan(5);
    expect(await client.simulation.getTime()).toBe(120);
  });

  it('reads vehicles, loops and lane-area detectors', async () => {
    const ids = await client.vehicle.getIdList();
    expect(ids.length).toBeGreaterThan(0);
    const v = ids[0] ?? '';
    expect(await client.vehicle.getVehicleClass(v)).toBe('passenger');
    expect(await client.vehicle.getTypeId(v)).toBe('car');
    const route = await client.vehicle.getRoute(v);
    expect(route).toContain(await client.vehicle.getRoadId(v));
    expect((await client.vehicle.getLaneId(v)).startsWith(await client.vehicle.getRoadId(v))).toBe(true);
    expect(await client.vehicle.getSpeed(v)).toBeGreaterThanOrEqual(0);
    expect(await client.vehicle.getLanePosition(v)).toBeGreaterThanOrEqual(0);
    expect(Object.keys(await client.vehicle.getPosition(v))).toEqual(['x', 'y']);
    expect(await client.vehicle.getRouteId(v)).toMatch(/\S/);
    expect(await client.inductionLoop.getIdList()).toContain('adv_W_P_0');
    expect(await client.laneArea.getIdList()).toContain('e2_W_P_2');
    // run until a loop has seen a vehicle, then its vehicle data must name that vehicle
    for (let i = 0; i < 60; i++) {
      await client.simulationStep();
      const data = await client.inductionLoop.getVehicleData('adv_W_P_0');
      if (data.length === 0) continue;
      expect(data[0]?.typeId).toBe('car');
      expect(data[0]?.entryTimeS).toBeGreaterThan(0);
      expect(await client.inductionLoop.getLastStepVehicleNumber('adv_W_P_0')).toBe(data.length);
      expect(await client.inductionLoop.getLastStepOccupancy('adv_W_P_0')).toBeGreaterThan(0);
      return;
    }
    throw new Error('no vehicle crossed adv_W_P_0 in 60 s');
  });

  it('reports simulation counters', async () => {
    expect(await client.simulation.getMinExpectedNumber()).toBeGreaterThan(0);
    expect(await client.simulation.getStartingTeleportNumber()).toBe(0);
    expect(await client.simulation.getDepartedNumber()).toBeGreaterThanOrEqual(0);
    expect(await client.simulation.getArrivedNumber()).toBeGreaterThanOrEqual(0);
  });
});

describe('bridge against SUMO', () => {
  it('shows in SUMO exactly the heads the controller reports, and never two conflicting greens', async () => {
    const sc = await prepare('mirror', 'offpeak');
    const { sumo, client } = await launchSumo(['-c', sc.sumocfg]);
    processes.push(sumo);
    const clock = createSimulatedClock();
    const controller = cityEdgeController(binding.config, { clock });
    const groups = binding.mapping.signalGroups;
    // conflicting movements (crossing paths): a through and each cross-street through / opposing left
    const conflicts: [string, string][] = [
      ['EB-through', 'NB-through'],
      ['EB-through', 'SB-through'],
      ['WB-through', 'NB-through'],
      ['WB-through', 'SB-through'],
      ['EB-through', 'WB-left'],
      ['NB-through', 'SB-left'],
    ];
    const seen = new Set<string>();
    await runBridge({
      client,
      clock,
      intersections: [{ binding, controller }],
      endS: 240,
      onStep: async () => {
        const state = await client.trafficLight.getRedYellowGreenState('C');
        expect(state).toBe(headsToState(controller.heads(), groups, 16));
        seen.add(state);
        for (const [a, b] of conflicts) {
          const green = (g: string) => (groups[g] ?? []).some((i) => state[i] === 'G');
          expect(green(a) && green(b), `${a} and ${b} green together: ${state}`).toBe(false);
        }
      },
    });
    await client.close();
    expect(seen.size).toBeGreaterThan(3); // it really cycled
    expect([...seen].some((s) => s.includes('g'))).toBe(true); // permissive lefts shown as FYA
  });

  it('refuses a mapping that drives links the traffic light does not have', async () => {
    const sc = await prepare('badmap', 'offpeak');
    const bad = {
      ...binding,
      mapping: { ...binding.mapping, signalGroups: { ...binding.mapping.signalGroups, 'EB-left': [15, 16] } },
    };
    await expect(
      runControlled({
        target: { kind: 'launch', args: ['-c', sc.sumocfg] },
        bindings: [bad],
        factory: cityEdgeController,
      }),
    ).rejects.toMatchObject({
      code: 'SIM_SUMO_MAPPING_INVALID',
      message: 'TLS C has 16 links; mapped beyond: EB-left:16',
    });
  });
});

describe('a junction scenario under the CityEdge controller', () => {
  it('runs to the end: every vehicle finished, no teleports, the EVs got priority and checked out', async () => {
    const sc = await prepare('launched');
    const r = await runControlled({
      target: { kind: 'launch', args: ['-c', sc.sumocfg] },
      bindings: [binding],
      factory: cityEdgeController,
    });
    const trips = await readTripinfo(sc.tripinfoPath);
    expect(r.sumoExit).toBe(0);
    expect(r.teleports).toBe(0);
    expect(r.rejected).toEqual({});
    expect(r.departed).toBeGreaterThan(100);
    expect(r.arrived).toBe(r.departed);
    expect(trips).toHaveLength(r.departed);
    expect(r.endTimeS).toBeGreaterThan(DURATION_S);
    const evs = trips.filter((t) => t.vType === 'ev');
    expect(evs.map((t) => t.id).sort()).toEqual([...r.emergencyVehicles].sort());
    expect(evs.length).toBeGreaterThan(0);
    expect(r.priorityRequests).toBeGreaterThanOrEqual(evs.length);
    expect(r.checkOuts).toBe(evs.length);
  });

  it('connects to a SUMO another process started with --remote-port', async () => {
    const sc = await prepare('connected');
    const sumo = await spawnSumo(['-c', sc.sumocfg]);
    processes.push(sumo);
    const r = await runControlled({
      target: { kind: 'connect', port: sumo.port },
      bindings: [binding],
      factory: cityEdgeController,
      priority: false,
    });
    expect(r.sumoExit).toBeNull(); // we did not own the process…
    expect(await sumo.exited).toBe(0); // …but closing TraCI ended it cleanly
    expect(r.teleports).toBe(0);
    expect(r.arrived).toBe(r.departed);
    expect(r.priorityRequests).toBe(0);
    expect(await readTripinfo(sc.tripinfoPath)).toHaveLength(r.departed);
  });
});
